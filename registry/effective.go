package registry

import (
	"maps"
	"slices"
)

// This file is the registry's side of policy introspection:
// ListPolicyPrincipals and GetEffectivePolicies.

// ListPolicyPrincipals returns the principals (certificate ARNs and
// Cognito identity IDs; not thing groups, which are targets but not
// principals) a policy is attached to, sorted by name (iotemu keeps no
// attachment dates for isAscendingOrder's creation order: UNCONFIRMED,
// docs/compatibility.md). An unknown policy is a
// ResourceNotFoundException, as the model lists (moto answers []:
// UNCONFIRMED, docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListPolicyPrincipals.html#API_ListPolicyPrincipals_Errors
func (r *Registry) ListPolicyPrincipals(policyName, marker string, pageSize int) ([]string, string, error) {
	r.mu.RLock()
	if _, err := r.policyLocked(policyName); err != nil {
		r.mu.RUnlock()
		return nil, "", err
	}
	var out []string
	for t, pols := range r.targets {
		if pols[policyName] && r.GroupNameFromARN(t) == "" {
			out = append(out, t)
		}
	}
	r.mu.RUnlock()
	slices.Sort(out)
	return pageOf(out, func(s string) string { return s }, marker, pageSize, false)
}

// EffectivePolicies is GetEffectivePolicies: the policies attached to the
// principal (a certificate ARN, thing group ARN or Cognito identity ID;
// "" for none) plus, when thingName is given, those attached to the
// thing's groups and their ancestors, without duplicates. A missing
// principal or thing is a ResourceNotFoundException.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/thing-groups.html#group-get-effective-policies
func (r *Registry) EffectivePolicies(principal, thingName string) ([]AttachedPolicy, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var names []string
	if principal != "" {
		if err := r.checkTargetLocked(principal); err != nil {
			return nil, err
		}
		names = slices.Sorted(maps.Keys(r.targets[principal]))
		if g := r.GroupNameFromARN(principal); g != "" {
			for _, a := range r.groups[g].Ancestors {
				names = appendNew(names, slices.Sorted(maps.Keys(r.targets[r.ThingGroupARN(a)]))...)
			}
		}
	}
	if thingName != "" {
		t, ok := r.things[thingName]
		if !ok {
			return nil, thingNotFound(thingName)
		}
		for _, g := range r.groupsWithAncestorsLocked(t) {
			names = appendNew(names, slices.Sorted(maps.Keys(r.targets[r.ThingGroupARN(g)]))...)
		}
	}
	return r.attachedLocked(names), nil
}

// CheckPrincipal reports a certificate ARN that is not registered, or a
// principal that is neither a certificate ARN nor a Cognito identity ID.
func (r *Registry) CheckPrincipal(principal string) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.checkPrincipalLocked(principal)
}

// PoliciesByName returns the named policies with their default documents;
// a missing one is a ResourceNotFoundException.
func (r *Registry) PoliciesByName(names []string) ([]AttachedPolicy, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, n := range names {
		if _, err := r.policyLocked(n); err != nil {
			return nil, err
		}
	}
	return r.attachedLocked(names), nil
}

func appendNew(list []string, more ...string) []string {
	for _, n := range more {
		if !slices.Contains(list, n) {
			list = append(list, n)
		}
	}
	return list
}
