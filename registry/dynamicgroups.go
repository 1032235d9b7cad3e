package registry

import (
	"maps"
	"slices"

	"github.com/iotemu/iotemu/internal/awsid"
)

// Dynamic thing groups: a group whose members are the things matching a
// fleet indexing query. The registry stores the query and the membership;
// the composition root evaluates the query (package fleetindex) and calls
// SetDynamicMembership as things change.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/dynamic-thing-groups.html#dynamic-thing-groups

// The only index and query version dynamic groups accept.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateDynamicThingGroup.html#API_CreateDynamicThingGroup_RequestSyntax
const (
	ThingsIndex         = "AWS_Things"
	DefaultQueryVersion = "2017-09-30"
)

// DynamicQuery is what makes a group dynamic. Status is ACTIVE: iotemu
// indexes synchronously, so a group never stays BUILDING (docs/compatibility.md).
type DynamicQuery struct {
	IndexName    string
	QueryString  string
	QueryVersion string
	Status       string
}

// CreateDynamicThingGroupInput is CreateDynamicThingGroup's request; the
// caller has checked the query's syntax.
type CreateDynamicThingGroupInput struct {
	Name        string
	Description string
	Attributes  map[string]string
	Query       DynamicQuery
}

// CreateDynamicThingGroup creates a dynamic group, version 1, without
// members: the root fills them in through SetDynamicMembership. An
// existing name is ResourceAlreadyExists (UNCONFIRMED: not idempotent).
func (r *Registry) CreateDynamicThingGroup(in CreateDynamicThingGroupInput) (ThingGroup, error) {
	if err := validName("thingGroupName", in.Name); err != nil {
		return ThingGroup{}, err
	}
	if err := validDescription("thingGroupDescription", in.Description); err != nil {
		return ThingGroup{}, err
	}
	if err := validAttributes(in.Attributes); err != nil {
		return ThingGroup{}, err
	}
	q, err := normalQuery(in.Query)
	if err != nil {
		return ThingGroup{}, err
	}
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.groups[in.Name]; ok {
		return ThingGroup{}, alreadyExists(old.ID, old.ARN, "Thing Group %s already exists", in.Name)
	}
	g := &thingGroup{ThingGroup: ThingGroup{
		Name: in.Name, ID: awsid.NewUUID(), ARN: r.ThingGroupARN(in.Name), Description: in.Description,
		Attributes: nonEmpty(in.Attributes), CreationDate: r.now(), Version: 1, Dynamic: true, Query: q,
	}, things: map[string]bool{}}
	r.groups[in.Name] = g
	r.touchLocked(ThingGroupChanged, in.Name)
	return g.snapshot(), nil
}

func normalQuery(q DynamicQuery) (DynamicQuery, *Error) {
	if q.IndexName == "" {
		q.IndexName = ThingsIndex
	}
	if q.QueryVersion == "" {
		q.QueryVersion = DefaultQueryVersion
	}
	if q.IndexName != ThingsIndex {
		return q, errorf(InvalidRequest, "Dynamic thing groups can only use the index %s", ThingsIndex) // message UNCONFIRMED
	}
	if q.QueryString == "" {
		return q, errorf(InvalidRequest, "1 validation error detected: Value null at 'queryString' failed to satisfy constraint: Member must not be null")
	}
	q.Status = "ACTIVE"
	return q, nil
}

// UpdateDynamicThingGroupInput is UpdateDynamicThingGroup's request; an
// empty QueryString keeps the query.
type UpdateDynamicThingGroupInput struct {
	Name            string
	Description     *string
	Attributes      map[string]string
	Merge           bool
	ExpectedVersion *int64
	Query           DynamicQuery
}

// UpdateDynamicThingGroup changes a dynamic group's properties or query
// and returns the new version.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateDynamicThingGroup.html#API_UpdateDynamicThingGroup_RequestSyntax
func (r *Registry) UpdateDynamicThingGroup(in UpdateDynamicThingGroupInput) (int64, error) {
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
	if !g.Dynamic {
		return 0, errorf(InvalidRequest, "Thing group %s is not a dynamic thing group", in.Name) // message UNCONFIRMED
	}
	q := g.Query
	if in.Query.QueryString != "" {
		q.QueryString = in.Query.QueryString
	}
	if in.Query.IndexName != "" {
		q.IndexName = in.Query.IndexName
	}
	if in.Query.QueryVersion != "" {
		q.QueryVersion = in.Query.QueryVersion
	}
	q, err := normalQuery(q)
	if err != nil {
		return 0, err
	}
	if err := g.applyUpdate(in.Description, in.Attributes, in.Merge, in.ExpectedVersion); err != nil {
		return 0, err
	}
	g.Query = q
	r.touchLocked(ThingGroupChanged, in.Name)
	return g.Version, nil
}

// DeleteDynamicThingGroup deletes a dynamic group; a missing one is not an
// error, as for DeleteThingGroup.
func (r *Registry) DeleteDynamicThingGroup(name string, expectedVersion *int64) error {
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	g, ok := r.groups[name]
	if !ok {
		return nil
	}
	if !g.Dynamic {
		return errorf(InvalidRequest, "Thing group %s is not a dynamic thing group", name)
	}
	if expectedVersion != nil && *expectedVersion != g.Version {
		return errorf(VersionConflict, "The version for thing group %s does not match the expected version.", name)
	}
	for t := range g.things {
		delete(r.things[t].groups, name)
		r.touchLocked(ThingChanged, t)
	}
	delete(r.groups, name)
	r.touchLocked(ThingGroupChanged, name)
	return nil
}

// DynamicThingGroups returns every dynamic group, by name.
func (r *Registry) DynamicThingGroups() []ThingGroup {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []ThingGroup
	for _, n := range slices.Sorted(maps.Keys(r.groups)) {
		if g := r.groups[n]; g.Dynamic {
			out = append(out, g.snapshot())
		}
	}
	return out
}

// SetDynamicMembership puts a thing in a dynamic group or takes it out,
// reporting a change only when membership changed. A thing already in
// MaxGroupsPerThing groups does not join (AWS logs an error instead).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/dynamic-thing-groups.html#membership-limit
func (r *Registry) SetDynamicMembership(group, thingName string, member bool) {
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	g, ok := r.groups[group]
	t, tok := r.things[thingName]
	if !ok || !g.Dynamic || !tok || g.things[thingName] == member {
		return
	}
	if member {
		if len(t.groups) >= MaxGroupsPerThing {
			return
		}
		g.things[thingName], t.groups[group] = true, true
	} else {
		delete(g.things, thingName)
		delete(t.groups, group)
	}
	r.touchLocked(ThingChanged, thingName)
}

// HasDynamicThingGroups reports whether any dynamic group exists (fleet
// indexing cannot be turned off while one does).
func (r *Registry) HasDynamicThingGroups() bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, g := range r.groups {
		if g.Dynamic {
			return true
		}
	}
	return false
}

// GroupMembers returns the names of a group's direct members, unpaged.
func (r *Registry) GroupMembers(group string) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if g, ok := r.groups[group]; ok {
		return slices.Sorted(maps.Keys(g.things))
	}
	return nil
}
