package registry

import (
	"maps"
	"slices"
)

// UpdateThingGroupInput is UpdateThingGroup's request. Attributes nil
// leaves them; Merge merges them (an empty value removes one) instead of
// replacing them.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateThingGroup.html#API_UpdateThingGroup_RequestSyntax
// and https://docs.aws.amazon.com/iot/latest/apireference/API_AttributePayload.html#API_AttributePayload_Contents
type UpdateThingGroupInput struct {
	Name            string
	Description     *string
	Attributes      map[string]string
	Merge           bool
	ExpectedVersion *int64
}

// UpdateThingGroup changes a static group's properties and returns its
// new version (+1 per update).
func (r *Registry) UpdateThingGroup(in UpdateThingGroupInput) (int64, error) {
	if err := validName("thingGroupName", in.Name); err != nil {
		return 0, err
	}
	if in.Description != nil {
		if err := validDescription("thingGroupDescription", *in.Description); err != nil {
			return 0, err
		}
	}
	if err := validAttributes(in.Attributes); err != nil {
		return 0, err
	}
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	g, ok := r.groups[in.Name]
	if !ok {
		return 0, groupNotFound(in.Name)
	}
	if g.Dynamic {
		return 0, staticOnly(in.Name)
	}
	if err := g.applyUpdate(in.Description, in.Attributes, in.Merge, in.ExpectedVersion); err != nil {
		return 0, err
	}
	r.touchLocked(ThingGroupChanged, in.Name)
	r.thingGroupEventLocked(g, "updated")
	return g.Version, nil
}

// applyUpdate is the property change shared by static and dynamic groups.
func (g *thingGroup) applyUpdate(desc *string, attrs map[string]string, merge bool, expected *int64) error {
	if expected != nil && *expected != g.Version {
		// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateThingGroup.html#API_UpdateThingGroup_Errors
		// (VersionConflictException; message UNCONFIRMED, as for things).
		return errorf(VersionConflict, "The version for thing group %s does not match the expected version.", g.Name)
	}
	if desc != nil {
		g.Description = *desc
	}
	g.Attributes = mergeAttributes(g.Attributes, attrs, merge)
	g.Version++
	return nil
}

// staticOnly refuses a static-group operation on a dynamic group
// (UNCONFIRMED error, docs/compatibility.md).
func staticOnly(name string) *Error {
	return errorf(InvalidRequest, "Thing group %s is a dynamic thing group; use the dynamic thing group operations", name)
}

// UpdateThingGroupsForThing adds a thing to groups and removes it from
// others in one step: every name is checked before anything changes.
// Removing a group the thing is not in is a no-op (UNCONFIRMED).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateThingGroupsForThing.html#API_UpdateThingGroupsForThing_RequestSyntax
func (r *Registry) UpdateThingGroupsForThing(thingName string, add, remove []string) error {
	if err := validName("thingName", thingName); err != nil {
		return err
	}
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.things[thingName]
	if !ok {
		return thingNotFound(thingName)
	}
	next := maps.Clone(t.groups)
	for _, n := range slices.Concat(remove, add) {
		if g, ok := r.groups[n]; !ok {
			return groupNotFound(n)
		} else if g.Dynamic {
			return staticOnly(n)
		}
	}
	for _, n := range remove {
		delete(next, n)
	}
	for _, n := range add {
		if err := r.checkJoinLocked(next, n, thingName); err != nil {
			return err
		}
		next[n] = true
	}
	for _, n := range slices.Sorted(maps.Keys(t.groups)) {
		if !next[n] {
			r.membershipEventLocked(r.groups[n], t, "removed")
		}
		delete(r.groups[n].things, thingName)
	}
	for _, n := range slices.Sorted(maps.Keys(next)) {
		if !t.groups[n] {
			r.membershipEventLocked(r.groups[n], t, "added")
		}
		r.groups[n].things[thingName] = true
	}
	t.groups = next
	r.touchLocked(ThingChanged, thingName)
	return nil
}

// checkJoinLocked checks that a thing in groups may join group: at most
// MaxGroupsPerThing groups, and not two groups of one hierarchy.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/thing-groups.html#add-thing-to-group
// ("A thing can be added to a maximum of 10 thing groups. But you cannot
// add a thing to more than one group in the same hierarchy").
func (r *Registry) checkJoinLocked(groups map[string]bool, group, thingName string) error {
	if groups[group] {
		return nil
	}
	if len(groups) >= MaxGroupsPerThing {
		return errorf(InvalidRequest, "Thing %s cannot be added to more than %d thing groups", thingName, MaxGroupsPerThing)
	}
	root := r.rootLocked(group)
	for n := range groups {
		if !r.groups[n].Dynamic && r.rootLocked(n) == root {
			// Message UNCONFIRMED.
			return errorf(InvalidRequest, "Thing %s is already in thing group %s of the same hierarchy as %s", thingName, n, group)
		}
	}
	return nil
}

func (r *Registry) rootLocked(group string) string {
	if a := r.groups[group].Ancestors; len(a) > 0 {
		return a[0]
	}
	return group
}

// ListThingsInThingGroup lists the names of a group's things; recursive
// adds the things of every descendant group.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListThingsInThingGroup.html#API_ListThingsInThingGroup_RequestSyntax
func (r *Registry) ListThingsInThingGroup(group string, recursive bool, token string, max int) ([]string, string, error) {
	if err := validName("thingGroupName", group); err != nil {
		return nil, "", err
	}
	r.mu.RLock()
	g, ok := r.groups[group]
	if !ok {
		r.mu.RUnlock()
		return nil, "", groupNotFound(group)
	}
	names := maps.Clone(g.things)
	if recursive {
		for _, o := range r.groups {
			if slices.Contains(o.Ancestors, group) {
				maps.Copy(names, o.things)
			}
		}
	}
	r.mu.RUnlock()
	return pageOf(slices.Sorted(maps.Keys(names)), func(s string) string { return s }, token, max, false)
}

// UpdateThingType changes a thing type's description and searchable
// attributes (nil leaves each).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateThingType.html#API_UpdateThingType_RequestSyntax
func (r *Registry) UpdateThingType(name string, description *string, searchable []string) error {
	if err := validName("thingTypeName", name); err != nil {
		return err
	}
	if description != nil {
		if err := validDescription("thingTypeDescription", *description); err != nil {
			return err
		}
	}
	if len(searchable) > MaxSearchableAttributes {
		return errorf(InvalidRequest, "A thing type can have at most %d searchable attributes", MaxSearchableAttributes)
	}
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.types[name]
	if !ok {
		return typeNotFound(name)
	}
	if description != nil {
		t.Description = *description
	}
	if searchable != nil {
		t.SearchableAttributes = slices.Clone(searchable)
	}
	r.thingTypeEventLocked(t, "updated")
	return nil
}
