package registry

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
)

// Thing group limits. AWS: thing-groups.html ("A thing can belong to up to
// 10 thing groups"; "A group can have at most one direct parent"; depth of
// a hierarchy at most 7).
const (
	MaxGroupsPerThing = 10
	MaxGroupDepth     = 7
)

// ThingGroup is a static thing group.
type ThingGroup struct {
	Name        string
	ID          string
	ARN         string
	Description string
	Attributes  map[string]string
	ParentName  string
	// Ancestors are the groups from the root down to the parent.
	Ancestors    []string
	CreationDate time.Time
	Version      int64
	// Dynamic groups have a fleet indexing query instead of members
	// added by hand (dynamicgroups.go).
	Dynamic bool
	Query   DynamicQuery
}

type thingGroup struct {
	ThingGroup
	things map[string]bool
}

func (g *thingGroup) snapshot() ThingGroup {
	c := g.ThingGroup
	c.Attributes = maps.Clone(g.Attributes)
	c.Ancestors = slices.Clone(g.Ancestors)
	return c
}

// CreateThingGroupInput is CreateThingGroup's request.
type CreateThingGroupInput struct {
	Name        string
	ParentName  string
	Description string
	Attributes  map[string]string
}

// CreateThingGroup creates a static thing group, version 1; creating it
// again with the same properties returns it (UNCONFIRMED).
// AWS: apireference/API_CreateThingGroup.html.
func (r *Registry) CreateThingGroup(in CreateThingGroupInput) (ThingGroup, error) {
	if err := validName("thingGroupName", in.Name); err != nil {
		return ThingGroup{}, err
	}
	if err := validDescription("thingGroupDescription", in.Description); err != nil {
		return ThingGroup{}, err
	}
	if err := validAttributes(in.Attributes); err != nil {
		return ThingGroup{}, err
	}
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.touchLocked(ThingGroupChanged, in.Name)
	if old, ok := r.groups[in.Name]; ok {
		if !old.Dynamic && old.ParentName == in.ParentName && old.Description == in.Description && maps.Equal(old.Attributes, nonEmpty(in.Attributes)) {
			return old.snapshot(), nil
		}
		return ThingGroup{}, alreadyExists(old.ID, old.ARN, "Thing Group %s already exists", in.Name)
	}
	var ancestors []string
	if in.ParentName != "" {
		parent, ok := r.groups[in.ParentName]
		if !ok || parent.Dynamic {
			// CreateThingGroup models no ResourceNotFoundException.
			return ThingGroup{}, errorf(InvalidRequest, "Parent thing group %s does not exist", in.ParentName)
		}
		ancestors = append(slices.Clone(parent.Ancestors), parent.Name)
		if len(ancestors) >= MaxGroupDepth {
			return ThingGroup{}, errorf(InvalidRequest, "A thing group hierarchy can be at most %d levels deep", MaxGroupDepth)
		}
	}
	g := &thingGroup{ThingGroup: ThingGroup{
		Name: in.Name, ID: awsid.NewUUID(), ARN: r.ThingGroupARN(in.Name), Description: in.Description,
		Attributes: nonEmpty(in.Attributes), ParentName: in.ParentName, Ancestors: ancestors,
		CreationDate: r.now(), Version: 1,
	}, things: map[string]bool{}}
	r.groups[in.Name] = g
	r.thingGroupEventLocked(g, "created")
	r.hierarchyEventLocked(r.groups[in.ParentName], g, "added")
	return g.snapshot(), nil
}

// DescribeThingGroup returns a thing group.
func (r *Registry) DescribeThingGroup(name string) (ThingGroup, error) {
	if err := validName("thingGroupName", name); err != nil {
		return ThingGroup{}, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	g, ok := r.groups[name]
	if !ok {
		return ThingGroup{}, groupNotFound(name)
	}
	return g.snapshot(), nil
}

func groupNotFound(name string) *Error {
	return errorf(ResourceNotFound, "Thing Group %s does not exist", name) // message UNCONFIRMED
}

// DeleteThingGroup deletes a group without child groups; a missing group
// is not an error (DeleteThingGroup models no ResourceNotFoundException).
// Policies attached to the group are detached.
func (r *Registry) DeleteThingGroup(name string, expectedVersion *int64) error {
	if err := validName("thingGroupName", name); err != nil {
		return err
	}
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.touchLocked(ThingGroupChanged, name)
	g, ok := r.groups[name]
	if !ok {
		return nil
	}
	if g.Dynamic {
		return staticOnly(name)
	}
	if expectedVersion != nil && *expectedVersion != g.Version {
		return errorf(VersionConflict, "The version for thing group %s does not match the expected version.", name)
	}
	for _, o := range r.groups {
		if o.ParentName == name {
			// AWS: thing-groups.html ("You can't delete a thing group that
			// has child groups"). Message UNCONFIRMED.
			return errorf(InvalidRequest, "Cannot delete thing group %s when there are still child groups attached to it", name)
		}
	}
	for t := range g.things {
		delete(r.things[t].groups, name)
		delete(r.memberships, name+"\x00"+t)
		r.touchLocked(ThingChanged, t)
	}
	delete(r.targets, g.ARN)
	r.hierarchyEventLocked(r.groups[g.ParentName], g, "removed")
	r.thingGroupEventLocked(g, "deleted")
	delete(r.groups, name)
	return nil
}

// ListThingGroupsInput filters and pages ListThingGroups.
type ListThingGroupsInput struct {
	MaxResults       int
	NextToken        string
	ParentGroup      string
	NamePrefixFilter string
	// Recursive has no default (AWS's shape RecursiveWithoutDefault):
	// nil lists every group, or the direct children of ParentGroup; false
	// lists the root groups, or the direct children of ParentGroup; true
	// lists every group, or all descendants of ParentGroup.
	// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListThingGroups.html#API_ListThingGroups_RequestSyntax
	// and https://docs.aws.amazon.com/iot/latest/developerguide/thing-groups.html#list-thing-groups
	// (docs/compatibility.md "Registry and identities").
	Recursive *bool
}

// inListing reports whether ListThingGroups in lists g.
func (in ListThingGroupsInput) inListing(g *thingGroup) bool {
	if !strings.HasPrefix(g.Name, in.NamePrefixFilter) {
		return false
	}
	recursive := in.Recursive != nil && *in.Recursive
	switch {
	case in.ParentGroup != "":
		return g.ParentName == in.ParentGroup || (recursive && slices.Contains(g.Ancestors, in.ParentGroup))
	case in.Recursive != nil && !*in.Recursive:
		return g.ParentName == ""
	}
	return true
}

// ListThingGroups lists thing groups by name.
func (r *Registry) ListThingGroups(in ListThingGroupsInput) ([]ThingGroup, string, error) {
	r.mu.RLock()
	if in.ParentGroup != "" {
		if _, ok := r.groups[in.ParentGroup]; !ok {
			r.mu.RUnlock()
			return nil, "", groupNotFound(in.ParentGroup)
		}
	}
	var all []ThingGroup
	for _, g := range r.groups {
		if in.inListing(g) {
			all = append(all, g.snapshot())
		}
	}
	r.mu.RUnlock()
	slices.SortFunc(all, func(a, b ThingGroup) int { return strings.Compare(a.Name, b.Name) })
	return pageOf(all, func(g ThingGroup) string { return g.Name }, in.NextToken, in.MaxResults, false)
}

// AddThingToThingGroup adds a thing to a static group (idempotent).
func (r *Registry) AddThingToThingGroup(groupName, thingName string) error {
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.touchLocked(ThingChanged, thingName)
	g, t, err := r.groupAndThingLocked(groupName, thingName)
	if err != nil {
		return err
	}
	if g.Dynamic {
		return staticOnly(groupName)
	}
	if err := r.checkJoinLocked(t.groups, groupName, thingName); err != nil {
		return err
	}
	if !g.things[thingName] {
		r.membershipEventLocked(g, t, "added")
	}
	g.things[thingName] = true
	t.groups[groupName] = true
	return nil
}

// RemoveThingFromThingGroup removes a thing from a group (idempotent).
func (r *Registry) RemoveThingFromThingGroup(groupName, thingName string) error {
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.touchLocked(ThingChanged, thingName)
	g, t, err := r.groupAndThingLocked(groupName, thingName)
	if err != nil {
		return err
	}
	if g.Dynamic {
		return staticOnly(groupName)
	}
	if g.things[thingName] {
		r.membershipEventLocked(g, t, "removed")
	}
	delete(g.things, thingName)
	delete(t.groups, groupName)
	return nil
}

func (r *Registry) groupAndThingLocked(groupName, thingName string) (*thingGroup, *thing, error) {
	if err := validName("thingGroupName", groupName); err != nil {
		return nil, nil, err
	}
	if err := validName("thingName", thingName); err != nil {
		return nil, nil, err
	}
	g, ok := r.groups[groupName]
	if !ok {
		return nil, nil, groupNotFound(groupName)
	}
	t, ok := r.things[thingName]
	if !ok {
		return nil, nil, thingNotFound(thingName)
	}
	return g, t, nil
}

// GroupNameFromARN returns the group name of a thing group ARN of this
// registry, or "" if arn is not one.
func (r *Registry) GroupNameFromARN(arn string) string {
	name, ok := strings.CutPrefix(arn, r.arn("thinggroup/"))
	if !ok {
		return ""
	}
	return name
}

// ThingNameFromARN returns the thing name of a thing ARN of this registry,
// or "".
func (r *Registry) ThingNameFromARN(arn string) string {
	name, ok := strings.CutPrefix(arn, r.arn("thing/"))
	if !ok {
		return ""
	}
	return name
}

// ThingGroupsForThing returns the names of the groups a thing belongs to
// directly, sorted.
func (r *Registry) ThingGroupsForThing(thingName string) ([]string, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.things[thingName]
	if !ok {
		return nil, thingNotFound(thingName)
	}
	return slices.Sorted(maps.Keys(t.groups)), nil
}
