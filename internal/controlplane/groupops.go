package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/registry"
)

// Changes to thing types and groups, and group membership listings:
// UpdateThingType, UpdateThingGroup, UpdateThingGroupsForThing,
// ListThingsInThingGroup, ListThingGroupsForThing.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateThingGroup.html#API_UpdateThingGroup_RequestSyntax
// and the pages of the other operations.

func (c *ControlPlane) registerGroupOps(rt *route.Router) {
	rt.Handle("/thing-types/{thingTypeName}", handle(decodeUpdateThingType, c.updateThingType), http.MethodPatch)
	rt.Handle("/thing-groups/{thingGroupName}", handle(decodeUpdateThingGroup, c.updateThingGroup), http.MethodPatch)
	rt.Handle("/thing-groups/updateThingGroupsForThing", handle(decodeUpdateGroupsForThing, c.updateGroupsForThing), http.MethodPut)
	rt.Handle("/thing-groups/{thingGroupName}/things", handle(decodeListThingsInGroup, c.listThingsInGroup), http.MethodGet)
	rt.Handle("/things/{thingName}/thing-groups", handle(decodeNamedPage("thingName"), c.listGroupsForThing), http.MethodGet)
}

type updateThingTypeInput struct {
	name  string
	props *thingTypePropertiesJSON
}

func decodeUpdateThingType(r *http.Request) (updateThingTypeInput, error) {
	var in struct {
		ThingTypeProperties *thingTypePropertiesJSON `json:"thingTypeProperties"`
	}
	err := readJSON(r, &in)
	return updateThingTypeInput{r.PathValue("thingTypeName"), in.ThingTypeProperties}, err
}

func (c *ControlPlane) updateThingType(_ context.Context, in updateThingTypeInput) (empty, error) {
	var desc *string
	var searchable []string
	if in.props != nil {
		desc, searchable = &in.props.ThingTypeDescription, in.props.SearchableAttributes
	}
	return empty{}, c.reg.UpdateThingType(in.name, desc, searchable)
}

// groupPropertiesUpdate is the thingGroupProperties of an update: a
// missing description is left as it is.
type groupPropertiesUpdate struct {
	ThingGroupDescription *string           `json:"thingGroupDescription"`
	AttributePayload      *attributePayload `json:"attributePayload"`
}

func (p *groupPropertiesUpdate) attributes() (map[string]string, bool) {
	if p == nil || p.AttributePayload == nil {
		return nil, false
	}
	attrs := p.AttributePayload.Attributes
	if attrs == nil {
		attrs = map[string]string{}
	}
	return attrs, p.AttributePayload.Merge
}

func decodeUpdateThingGroup(r *http.Request) (registry.UpdateThingGroupInput, error) {
	var in struct {
		ThingGroupProperties *groupPropertiesUpdate `json:"thingGroupProperties"`
		ExpectedVersion      *int64                 `json:"expectedVersion"`
	}
	if err := readJSON(r, &in); err != nil {
		return registry.UpdateThingGroupInput{}, err
	}
	if in.ThingGroupProperties == nil {
		return registry.UpdateThingGroupInput{}, awsrest.Invalid("1 validation error detected: Value null at 'thingGroupProperties' failed to satisfy constraint: Member must not be null")
	}
	attrs, merge := in.ThingGroupProperties.attributes()
	return registry.UpdateThingGroupInput{
		Name: r.PathValue("thingGroupName"), Description: in.ThingGroupProperties.ThingGroupDescription,
		Attributes: attrs, Merge: merge, ExpectedVersion: in.ExpectedVersion,
	}, nil
}

type versionOutput struct {
	Version int64 `json:"version"`
}

func (c *ControlPlane) updateThingGroup(_ context.Context, in registry.UpdateThingGroupInput) (versionOutput, error) {
	v, err := c.reg.UpdateThingGroup(in)
	return versionOutput{v}, err
}

type groupsForThing struct {
	ThingName           string   `json:"thingName"`
	ThingGroupsToAdd    []string `json:"thingGroupsToAdd"`
	ThingGroupsToRemove []string `json:"thingGroupsToRemove"`
}

func decodeUpdateGroupsForThing(r *http.Request) (groupsForThing, error) {
	var in groupsForThing
	err := readJSON(r, &in)
	return in, err
}

func (c *ControlPlane) updateGroupsForThing(_ context.Context, in groupsForThing) (empty, error) {
	return empty{}, c.reg.UpdateThingGroupsForThing(in.ThingName, in.ThingGroupsToAdd, in.ThingGroupsToRemove)
}

type namedPage struct {
	page
	name      string
	recursive bool
}

func decodeNamedPage(param string) func(*http.Request) (namedPage, error) {
	return func(r *http.Request) (namedPage, error) {
		p, err := pageParams(r, "maxResults", "nextToken")
		return namedPage{p, r.PathValue(param), false}, err
	}
}

func decodeListThingsInGroup(r *http.Request) (namedPage, error) {
	in, err := decodeNamedPage("thingGroupName")(r)
	if err == nil {
		in.recursive, err = awsrest.QueryBool(r, "recursive")
	}
	return in, err
}

type thingNamesOutput struct {
	Things    []string `json:"things"`
	NextToken string   `json:"nextToken,omitempty"`
}

func (c *ControlPlane) listThingsInGroup(_ context.Context, in namedPage) (thingNamesOutput, error) {
	names, next, err := c.reg.ListThingsInThingGroup(in.name, in.recursive, in.token, in.size)
	return thingNamesOutput{append([]string{}, names...), next}, err
}

// listGroupsForThing lists the thing's direct groups, static and dynamic.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/thing-groups.html#list-thing-groups-for-thing
func (c *ControlPlane) listGroupsForThing(_ context.Context, in namedPage) (listThingGroupsOutput, error) {
	names, err := c.reg.ThingGroupsForThing(in.name)
	if err != nil {
		return listThingGroupsOutput{}, err
	}
	page, next, err := pageNames(names, in.token, in.size)
	out := listThingGroupsOutput{ThingGroups: []groupNameAndARN{}, NextToken: next}
	for _, n := range page {
		out.ThingGroups = append(out.ThingGroups, groupNameAndARN{n, c.reg.ThingGroupARN(n)})
	}
	return out, err
}
