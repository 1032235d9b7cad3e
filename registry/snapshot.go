package registry

import (
	"maps"
	"slices"
	"strings"
)

// The whole registry at once, for the emulator's state and reset API
// (an iotemu extension; AWS has no such operation).

// Things returns every thing, sorted by name.
func (r *Registry) Things() []Thing {
	r.mu.RLock()
	out := make([]Thing, 0, len(r.things))
	for _, t := range r.things {
		out = append(out, t.snapshot())
	}
	r.mu.RUnlock()
	slices.SortFunc(out, func(a, b Thing) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Certificates returns every certificate, oldest first.
func (r *Registry) Certificates() []Certificate {
	r.mu.RLock()
	all := make([]*certificate, 0, len(r.certs))
	for _, c := range r.certs {
		all = append(all, c)
	}
	r.mu.RUnlock()
	slices.SortFunc(all, func(a, b *certificate) int { return int(a.seq - b.seq) })
	out := make([]Certificate, len(all))
	for i, c := range all {
		out[i] = c.Certificate
	}
	return out
}

// Reset forgets every thing, thing type, thing group (static, dynamic and
// billing), certificate, registered CA certificate, the registration
// code, policy and attachment; the CAs of Config stay
// registered. Config.OnChange is told of every thing and thing group that
// went away, so observers (the fleet index) forget them too.
func (r *Registry) Reset() {
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(r.things)) {
		r.touchLocked(ThingChanged, name)
	}
	for _, name := range slices.Sorted(maps.Keys(r.groups)) {
		r.touchLocked(ThingGroupChanged, name)
	}
	r.things, r.types, r.groups = map[string]*thing{}, map[string]*thingType{}, map[string]*thingGroup{}
	r.certs, r.policies = map[string]*certificate{}, map[string]*policy{}
	r.targets = map[string]map[string]bool{}
	r.thingPrincipals = map[string]map[string]ThingPrincipalType{}
	r.principalThings = map[string]map[string]ThingPrincipalType{}
	r.billing = map[string]*billingGroup{}
	r.caCerts, r.regCode = map[string]*caCertificate{}, ""
	r.memberships = map[string]string{}
	r.caGen++
}
