package registry

import (
	"maps"
	"slices"
	"strings"
)

// ThingPrincipalType is how a principal is attached to a thing.
// AWS: apireference/API_AttachThingPrincipal.html (thingPrincipalType).
type ThingPrincipalType string

// Thing principal types.
const (
	// NonExclusiveThing (the default) lets the principal be attached to
	// other things too.
	NonExclusiveThing ThingPrincipalType = "NON_EXCLUSIVE_THING"
	// ExclusiveThing makes the thing the only one attached to the
	// principal.
	ExclusiveThing ThingPrincipalType = "EXCLUSIVE_THING"
)

// checkPrincipalLocked accepts the ARN of an existing certificate or a
// Cognito identity ID.
func (r *Registry) checkPrincipalLocked(principal string) error {
	if r.GroupNameFromARN(principal) != "" {
		return errorf(InvalidRequest, "Invalid principal: %s", principal) // UNCONFIRMED
	}
	return r.checkTargetLocked(principal)
}

// AttachThingPrincipal attaches a principal to a thing. An exclusive
// attachment fails when the principal is attached to another thing, and no
// other thing can be attached to a principal attached exclusively.
// Messages UNCONFIRMED.
func (r *Registry) AttachThingPrincipal(thingName, principal string, typ ThingPrincipalType) error {
	if err := validName("thingName", thingName); err != nil {
		return err
	}
	if typ == "" {
		typ = NonExclusiveThing
	}
	if typ != NonExclusiveThing && typ != ExclusiveThing {
		return invalidMember("thingPrincipalType", string(typ), "EXCLUSIVE_THING|NON_EXCLUSIVE_THING", 1, 19)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.things[thingName]; !ok {
		return thingNotFound(thingName)
	}
	if err := r.checkPrincipalLocked(principal); err != nil {
		return err
	}
	for other, t := range r.principalThings[principal] {
		if other == thingName {
			continue
		}
		if typ == ExclusiveThing || t == ExclusiveThing {
			return errorf(InvalidRequest, "Principal %s is already attached to thing %s; an exclusive attachment allows only one thing", principal, other)
		}
	}
	link(r.thingPrincipals, thingName, principal, typ)
	link(r.principalThings, principal, thingName, typ)
	return nil
}

func link(m map[string]map[string]ThingPrincipalType, a, b string, typ ThingPrincipalType) {
	if m[a] == nil {
		m[a] = map[string]ThingPrincipalType{}
	}
	m[a][b] = typ
}

func unlink(m map[string]map[string]ThingPrincipalType, a, b string) {
	delete(m[a], b)
	if len(m[a]) == 0 {
		delete(m, a)
	}
}

// DetachThingPrincipal detaches a principal from a thing.
// AWS: apireference/API_DetachThingPrincipal.html.
func (r *Registry) DetachThingPrincipal(thingName, principal string) error {
	if err := validName("thingName", thingName); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.things[thingName]; !ok {
		return thingNotFound(thingName)
	}
	if err := r.checkPrincipalLocked(principal); err != nil {
		return err
	}
	unlink(r.thingPrincipals, thingName, principal)
	unlink(r.principalThings, principal, thingName)
	return nil
}

// ListThingPrincipals returns the principals attached to a thing, sorted.
func (r *Registry) ListThingPrincipals(thingName, token string, max int) ([]string, string, error) {
	if err := validName("thingName", thingName); err != nil {
		return nil, "", err
	}
	r.mu.RLock()
	if _, ok := r.things[thingName]; !ok {
		r.mu.RUnlock()
		return nil, "", thingNotFound(thingName)
	}
	out := slices.Sorted(maps.Keys(r.thingPrincipals[thingName]))
	r.mu.RUnlock()
	return pageOf(out, func(s string) string { return s }, token, max, false)
}

// ListPrincipalThings returns the names of the things attached to a
// principal, sorted.
func (r *Registry) ListPrincipalThings(principal, token string, max int) ([]string, string, error) {
	r.mu.RLock()
	if err := r.checkPrincipalLocked(principal); err != nil {
		r.mu.RUnlock()
		return nil, "", err
	}
	out := slices.Sorted(maps.Keys(r.principalThings[principal]))
	r.mu.RUnlock()
	return pageOf(out, func(s string) string { return s }, token, max, false)
}

// CertificateIDFromARN returns the certificate ID of a certificate ARN of
// this registry, or "".
func (r *Registry) CertificateIDFromARN(arn string) string {
	id, ok := strings.CutPrefix(arn, r.arn("cert/"))
	if !ok {
		return ""
	}
	return id
}
