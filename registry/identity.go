package registry

import (
	"maps"
	"slices"
)

// This file is the read side for authorisation (strict mode): everything
// about one connecting principal in one consistent read.

// AttachedPolicy is a policy as an authoriser sees it: the document of its
// default version.
type AttachedPolicy struct {
	Name      string
	ARN       string
	VersionID string // the default version
	Document  string
}

// Identity is what authorising one connection needs.
type Identity struct {
	// Principal is the certificate ARN (or the Cognito identity ID).
	Principal string
	// Certificate is the registered certificate (zero for a Cognito
	// identity). The caller checks Status == StatusActive.
	Certificate Certificate
	// Thing is the connection's thing, nil if none: the thing the
	// principal is exclusively attached to, else the thing named like the
	// client ID (the thing name is the client ID unless the principal has
	// an exclusive thing association).
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-variables.html#thing-policy-variables
	Thing *Thing
	// ThingAttached is iot:Connection.Thing.IsAttached: Thing is attached
	// to the principal.
	ThingAttached bool
	// ThingGroups are the names of Thing's groups and their ancestors.
	ThingGroups []string
	// Policies are the principal's policies, then those of ThingGroups
	// when ThingAttached (UNCONFIRMED: when AWS applies thing group
	// policies), without duplicates, each with its default document.
	Policies []AttachedPolicy
}

// IdentityForCertificate resolves a TLS client certificate (DER) and the
// MQTT client ID. It fails with ErrNotFound if the certificate is not
// registered; any status is returned.
func (r *Registry) IdentityForCertificate(der []byte, clientID string) (Identity, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.certs[CertificateID(der)]
	if !ok {
		return Identity{}, certNotFound(CertificateID(der))
	}
	id := r.identityLocked(c.ARN, clientID)
	id.Certificate = c.Certificate
	return id, nil
}

// IdentityForPrincipal resolves any principal (a certificate ARN, a
// Cognito identity ID) and the MQTT client ID; unknown principals get no
// policies.
func (r *Registry) IdentityForPrincipal(principal, clientID string) Identity {
	r.mu.RLock()
	defer r.mu.RUnlock()
	id := r.identityLocked(principal, clientID)
	if c, ok := r.certs[r.CertificateIDFromARN(principal)]; ok {
		id.Certificate = c.Certificate
	}
	return id
}

func (r *Registry) identityLocked(principal, clientID string) Identity {
	id := Identity{Principal: principal}
	thingName := clientID
	for name, typ := range r.principalThings[principal] {
		if typ == ExclusiveThing {
			thingName = name
		}
	}
	names := slices.Sorted(maps.Keys(r.targets[principal]))
	if t, ok := r.things[thingName]; ok {
		snap := t.snapshot()
		id.Thing = &snap
		_, id.ThingAttached = r.principalThings[principal][thingName]
		id.ThingGroups = r.groupsWithAncestorsLocked(t)
		if id.ThingAttached {
			for _, g := range id.ThingGroups {
				for _, n := range slices.Sorted(maps.Keys(r.targets[r.ThingGroupARN(g)])) {
					if !slices.Contains(names, n) {
						names = append(names, n)
					}
				}
			}
		}
	}
	id.Policies = r.attachedLocked(names)
	return id
}

func (r *Registry) groupsWithAncestorsLocked(t *thing) []string {
	seen := map[string]bool{}
	var out []string
	for _, g := range slices.Sorted(maps.Keys(t.groups)) {
		for _, n := range append(slices.Clone(r.groups[g].Ancestors), g) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

func (r *Registry) attachedLocked(names []string) []AttachedPolicy {
	out := make([]AttachedPolicy, 0, len(names))
	for _, n := range names {
		p, ok := r.policies[n]
		if !ok {
			continue
		}
		d := p.version(p.defaultID)
		out = append(out, AttachedPolicy{Name: n, ARN: p.arn, VersionID: d.VersionID, Document: d.Document})
	}
	return out
}

// PrincipalPolicies returns the policies attached directly to a principal
// (or any target), by name, with their default documents.
func (r *Registry) PrincipalPolicies(principal string) []AttachedPolicy {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.attachedLocked(slices.Sorted(maps.Keys(r.targets[principal])))
}
