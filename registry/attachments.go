package registry

import (
	"maps"
	"regexp"
	"slices"
	"strings"
)

// MaxPoliciesPerTarget bounds the policies attached to one certificate or
// Cognito identity. AWS: iot-core.html#policy-limits ("Maximum number of
// policies that can be attached to a certificate or Amazon Cognito
// identity: 10").
const MaxPoliciesPerTarget = 10

// cognitoIDPattern is an Amazon Cognito identity ID: region:uuid.
// AWS: cognito-identity service-2.json IdentityId
// ([\w-]+:[0-9a-f-]+, 1–55).
var cognitoIDPattern = regexp.MustCompile(`^[\w-]+:[0-9a-f-]+$`)

// checkTargetLocked accepts a certificate ARN or thing group ARN of an
// existing resource, or a Cognito identity ID.
// AWS: apireference/API_AttachPolicy.html ("target: The identity to which
// the policy is attached. For example, a thing group or a certificate.").
func (r *Registry) checkTargetLocked(target string) error {
	if id, ok := strings.CutPrefix(target, r.arn("cert/")); ok {
		if _, ok := r.certs[id]; !ok {
			return certNotFound(id)
		}
		return nil
	}
	if g := r.GroupNameFromARN(target); g != "" {
		if _, ok := r.groups[g]; !ok {
			return groupNotFound(g)
		}
		return nil
	}
	if cognitoIDPattern.MatchString(target) && len(target) <= 55 {
		return nil
	}
	// Message UNCONFIRMED.
	return errorf(InvalidRequest, "Invalid target: %s is not a certificate ARN, thing group ARN or Cognito identity ID", target)
}

// AttachPolicy attaches a policy to a target (idempotent).
// AWS: apireference/API_AttachPolicy.html, API_AttachPrincipalPolicy.html.
func (r *Registry) AttachPolicy(policyName, target string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.policyLocked(policyName); err != nil {
		return err
	}
	if err := r.checkTargetLocked(target); err != nil {
		return err
	}
	pols := r.targets[target]
	if pols == nil {
		pols = map[string]bool{}
		r.targets[target] = pols
	}
	if !pols[policyName] && len(pols) >= MaxPoliciesPerTarget {
		// Message UNCONFIRMED.
		return errorf(LimitExceeded, "The number of attached policies exceeds the limit of %d for %s", MaxPoliciesPerTarget, target)
	}
	pols[policyName] = true
	return nil
}

// DetachPolicy detaches a policy from a target; detaching what is not
// attached succeeds (DetachPolicy models no ResourceNotFoundException).
func (r *Registry) DetachPolicy(policyName, target string) error {
	if err := validPolicyName(policyName); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.detachLocked(policyName, target)
	return nil
}

// DetachPrincipalPolicy is the legacy DetachPolicy, which reports a
// missing policy or principal. AWS: API_DetachPrincipalPolicy.html.
func (r *Registry) DetachPrincipalPolicy(policyName, principal string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.policyLocked(policyName); err != nil {
		return err
	}
	if err := r.checkTargetLocked(principal); err != nil {
		return err
	}
	r.detachLocked(policyName, principal)
	return nil
}

func (r *Registry) detachLocked(policyName, target string) {
	delete(r.targets[target], policyName)
	if len(r.targets[target]) == 0 {
		delete(r.targets, target)
	}
}

// ListAttachedPolicies returns the policies attached to a target, by
// name. recursive adds the policies of a thing group's ancestors.
// AWS: apireference/API_ListAttachedPolicies.html.
func (r *Registry) ListAttachedPolicies(target string, recursive bool, marker string, pageSize int) ([]Policy, string, error) {
	r.mu.RLock()
	if err := r.checkTargetLocked(target); err != nil {
		r.mu.RUnlock()
		return nil, "", err
	}
	names := maps.Clone(r.targets[target])
	if g := r.GroupNameFromARN(target); g != "" && recursive {
		for _, a := range r.groups[g].Ancestors {
			maps.Copy(names, r.targets[r.ThingGroupARN(a)])
		}
	}
	out := r.policySnapshotsLocked(slices.Sorted(maps.Keys(names)))
	r.mu.RUnlock()
	return pageOf(out, func(p Policy) string { return p.Name }, marker, pageSize, false)
}

func (r *Registry) policySnapshotsLocked(names []string) []Policy {
	out := make([]Policy, 0, len(names))
	for _, n := range names {
		if p, ok := r.policies[n]; ok {
			out = append(out, p.snapshot())
		}
	}
	return out
}

// ListTargetsForPolicy returns the targets a policy is attached to,
// sorted. AWS: apireference/API_ListTargetsForPolicy.html.
func (r *Registry) ListTargetsForPolicy(policyName, marker string, pageSize int) ([]string, string, error) {
	r.mu.RLock()
	if _, err := r.policyLocked(policyName); err != nil {
		r.mu.RUnlock()
		return nil, "", err
	}
	var out []string
	for t, pols := range r.targets {
		if pols[policyName] {
			out = append(out, t)
		}
	}
	r.mu.RUnlock()
	slices.Sort(out)
	return pageOf(out, func(s string) string { return s }, marker, pageSize, false)
}
