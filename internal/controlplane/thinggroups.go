package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/tagging"
)

// Static thing groups: CreateThingGroup, DescribeThingGroup,
// ListThingGroups, AddThingToThingGroup, RemoveThingFromThingGroup,
// DeleteThingGroup.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThingGroup.html#API_CreateThingGroup_RequestSyntax
// and the pages of the other operations.

func (c *ControlPlane) registerThingGroups(rt *route.Router) {
	rt.Handle("/thing-groups", handle(decodeListThingGroups, c.listThingGroups), http.MethodGet)
	rt.Handle("/thing-groups/addThingToThingGroup", handle(c.decodeMember, c.addThingToThingGroup), http.MethodPut)
	rt.Handle("/thing-groups/removeThingFromThingGroup", handle(c.decodeMember, c.removeThingFromThingGroup), http.MethodPut)
	rt.Handle("/thing-groups/{thingGroupName}", handle(decodeCreateThingGroup, c.createThingGroup), http.MethodPost)
	rt.Handle("/thing-groups/{thingGroupName}", handle(path("thingGroupName"), c.describeThingGroup), http.MethodGet)
	rt.Handle("/thing-groups/{thingGroupName}", handle(decodeVersioned("thingGroupName"), c.deleteThingGroup), http.MethodDelete)
}

type thingGroupPropertiesJSON struct {
	ThingGroupDescription string            `json:"thingGroupDescription,omitempty"`
	AttributePayload      *attributePayload `json:"attributePayload,omitempty"`
}

type groupNameAndARN struct {
	GroupName string `json:"groupName"`
	GroupArn  string `json:"groupArn"`
}

type createThingGroupInput struct {
	registry.CreateThingGroupInput
	tags []tagging.Tag
}

func decodeCreateThingGroup(r *http.Request) (createThingGroupInput, error) {
	var in struct {
		ParentGroupName      string                   `json:"parentGroupName"`
		ThingGroupProperties thingGroupPropertiesJSON `json:"thingGroupProperties"`
		Tags                 []tagging.Tag            `json:"tags"`
	}
	if err := readJSON(r, &in); err != nil {
		return createThingGroupInput{}, err
	}
	req := registry.CreateThingGroupInput{
		Name: r.PathValue("thingGroupName"), ParentName: in.ParentGroupName,
		Description: in.ThingGroupProperties.ThingGroupDescription,
	}
	if p := in.ThingGroupProperties.AttributePayload; p != nil {
		req.Attributes = p.Attributes
	}
	return createThingGroupInput{req, in.Tags}, createTags(in.Tags)
}

type createThingGroupOutput struct {
	ThingGroupName string `json:"thingGroupName"`
	ThingGroupArn  string `json:"thingGroupArn"`
	ThingGroupID   string `json:"thingGroupId"`
}

func (c *ControlPlane) createThingGroup(_ context.Context, in createThingGroupInput) (createThingGroupOutput, error) {
	g, err := c.reg.CreateThingGroup(in.CreateThingGroupInput)
	return createThingGroupOutput{g.Name, g.ARN, g.ID}, c.tagCreated(g.ARN, in.tags, err)
}

type thingGroupMetadata struct {
	ParentGroupName         string            `json:"parentGroupName,omitempty"`
	RootToParentThingGroups []groupNameAndARN `json:"rootToParentThingGroups,omitempty"`
	CreationDate            float64           `json:"creationDate"`
}

type describeThingGroupOutput struct {
	ThingGroupName       string                   `json:"thingGroupName"`
	ThingGroupID         string                   `json:"thingGroupId"`
	ThingGroupArn        string                   `json:"thingGroupArn"`
	Version              int64                    `json:"version"`
	ThingGroupProperties thingGroupPropertiesJSON `json:"thingGroupProperties"`
	ThingGroupMetadata   thingGroupMetadata       `json:"thingGroupMetadata"`
	Status               string                   `json:"status,omitempty"`
	IndexName            string                   `json:"indexName,omitempty"`
	QueryString          string                   `json:"queryString,omitempty"`
	QueryVersion         string                   `json:"queryVersion,omitempty"`
}

func (c *ControlPlane) describeThingGroup(_ context.Context, name string) (describeThingGroupOutput, error) {
	g, err := c.reg.DescribeThingGroup(name)
	if err != nil {
		return describeThingGroupOutput{}, err
	}
	md := thingGroupMetadata{ParentGroupName: g.ParentName, CreationDate: epochSeconds(g.CreationDate)}
	for _, a := range g.Ancestors {
		md.RootToParentThingGroups = append(md.RootToParentThingGroups, groupNameAndARN{a, c.reg.ThingGroupARN(a)})
	}
	props := thingGroupPropertiesJSON{ThingGroupDescription: g.Description}
	if len(g.Attributes) > 0 {
		props.AttributePayload = &attributePayload{Attributes: g.Attributes}
	}
	out := describeThingGroupOutput{ThingGroupName: g.Name, ThingGroupID: g.ID, ThingGroupArn: g.ARN,
		Version: g.Version, ThingGroupProperties: props, ThingGroupMetadata: md}
	if g.Dynamic {
		// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/dynamic-thing-groups.html#describe-dynamic-thing-group
		out.Status, out.IndexName, out.QueryString, out.QueryVersion = g.Query.Status, g.Query.IndexName, g.Query.QueryString, g.Query.QueryVersion
	}
	return out, nil
}

// decodeListThingGroups reads recursive without a default: absent, false
// and true differ (AWS's shape RecursiveWithoutDefault).
func decodeListThingGroups(r *http.Request) (registry.ListThingGroupsInput, error) {
	p, err := pageParams(r, "maxResults", "nextToken")
	var recursive *bool
	if err == nil {
		recursive, err = awsrest.QueryOptionalBool(r, "recursive")
	}
	q := r.URL.Query()
	return registry.ListThingGroupsInput{
		MaxResults: p.size, NextToken: p.token, ParentGroup: q.Get("parentGroup"),
		NamePrefixFilter: q.Get("namePrefixFilter"), Recursive: recursive,
	}, err
}

type listThingGroupsOutput struct {
	ThingGroups []groupNameAndARN `json:"thingGroups"`
	NextToken   string            `json:"nextToken,omitempty"`
}

func (c *ControlPlane) listThingGroups(_ context.Context, in registry.ListThingGroupsInput) (listThingGroupsOutput, error) {
	groups, next, err := c.reg.ListThingGroups(in)
	out := listThingGroupsOutput{ThingGroups: []groupNameAndARN{}, NextToken: next}
	for _, g := range groups {
		out.ThingGroups = append(out.ThingGroups, groupNameAndARN{g.Name, g.ARN})
	}
	return out, err
}

// member is the input of AddThingToThingGroup and
// RemoveThingFromThingGroup, names resolved from ARNs.
type member struct{ group, thing string }

func (c *ControlPlane) decodeMember(r *http.Request) (member, error) {
	var in struct {
		ThingGroupName string `json:"thingGroupName"`
		ThingGroupArn  string `json:"thingGroupArn"`
		ThingName      string `json:"thingName"`
		ThingArn       string `json:"thingArn"`
	}
	if err := readJSON(r, &in); err != nil {
		return member{}, err
	}
	m := member{in.ThingGroupName, in.ThingName}
	if m.group == "" && in.ThingGroupArn != "" {
		if m.group = c.reg.GroupNameFromARN(in.ThingGroupArn); m.group == "" {
			return member{}, awsrest.Invalid("Invalid thingGroupArn: %s", in.ThingGroupArn)
		}
	}
	if m.thing == "" && in.ThingArn != "" {
		if m.thing = c.reg.ThingNameFromARN(in.ThingArn); m.thing == "" {
			return member{}, awsrest.Invalid("Invalid thingArn: %s", in.ThingArn)
		}
	}
	return m, nil
}

func (c *ControlPlane) addThingToThingGroup(_ context.Context, m member) (empty, error) {
	return empty{}, c.reg.AddThingToThingGroup(m.group, m.thing)
}

func (c *ControlPlane) removeThingFromThingGroup(_ context.Context, m member) (empty, error) {
	return empty{}, c.reg.RemoveThingFromThingGroup(m.group, m.thing)
}

func (c *ControlPlane) deleteThingGroup(_ context.Context, in versioned) (empty, error) {
	if err := c.reg.DeleteThingGroup(in.name, in.version); err != nil {
		return empty{}, err
	}
	c.tags.Drop(c.reg.ThingGroupARN(in.name))
	return empty{}, nil
}
