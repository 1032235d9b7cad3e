package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/fleetindex"
	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/tagging"
)

// Dynamic thing groups: Create/Update/DeleteDynamicThingGroup; Describe is
// DescribeThingGroup. The query is checked with fleetindex.Compile here;
// membership is kept by the composition root, which evaluates the query
// on the fleet index as things change.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateDynamicThingGroup.html#API_CreateDynamicThingGroup_RequestSyntax
// and https://docs.aws.amazon.com/iot/latest/developerguide/dynamic-thing-groups.html#dynamic-thing-groups

func (c *ControlPlane) registerDynamicGroups(rt *route.Router) {
	if c.cfg.Index == nil {
		return
	}
	rt.Handle("/dynamic-thing-groups/{thingGroupName}", handle(decodeCreateDynamic, c.createDynamic), http.MethodPost)
	rt.Handle("/dynamic-thing-groups/{thingGroupName}", handle(decodeUpdateDynamic, c.updateDynamic), http.MethodPatch)
	rt.Handle("/dynamic-thing-groups/{thingGroupName}", handle(decodeVersioned("thingGroupName"), c.deleteDynamic), http.MethodDelete)
}

type queryJSON struct {
	IndexName    string `json:"indexName,omitempty"`
	QueryString  string `json:"queryString,omitempty"`
	QueryVersion string `json:"queryVersion,omitempty"`
}

func (q queryJSON) query() registry.DynamicQuery {
	return registry.DynamicQuery{IndexName: q.IndexName, QueryString: q.QueryString, QueryVersion: q.QueryVersion}
}

type createDynamicInput struct {
	registry.CreateDynamicThingGroupInput
	tags []tagging.Tag
}

func decodeCreateDynamic(r *http.Request) (createDynamicInput, error) {
	var in struct {
		queryJSON
		ThingGroupProperties thingGroupPropertiesJSON `json:"thingGroupProperties"`
		Tags                 []tagging.Tag            `json:"tags"`
	}
	if err := readJSON(r, &in); err != nil {
		return createDynamicInput{}, err
	}
	req := registry.CreateDynamicThingGroupInput{Name: r.PathValue("thingGroupName"),
		Description: in.ThingGroupProperties.ThingGroupDescription, Query: in.query()}
	if p := in.ThingGroupProperties.AttributePayload; p != nil {
		req.Attributes = p.Attributes
	}
	return createDynamicInput{req, in.Tags}, createTags(in.Tags)
}

// checkQuery refuses a dynamic group query while thing indexing is off
// (UNCONFIRMED error, docs/compatibility.md) and a query that does not
// compile (InvalidQueryException).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/dynamic-thing-groups.html#indexing-backfill-conflict
func (c *ControlPlane) checkQuery(q string) error {
	if c.cfg.Index.ThingIndexingConfiguration().ThingIndexingMode == fleetindex.ModeOff {
		return awsrest.Invalid("Fleet indexing must be enabled to use dynamic thing groups")
	}
	_, err := fleetindex.Compile(q)
	return err
}

type createDynamicOutput struct {
	createThingGroupOutput
	queryJSON
}

func (c *ControlPlane) createDynamic(_ context.Context, in createDynamicInput) (createDynamicOutput, error) {
	if err := c.checkQuery(in.Query.QueryString); err != nil {
		return createDynamicOutput{}, err
	}
	g, err := c.reg.CreateDynamicThingGroup(in.CreateDynamicThingGroupInput)
	out := createDynamicOutput{createThingGroupOutput{g.Name, g.ARN, g.ID},
		queryJSON{g.Query.IndexName, g.Query.QueryString, g.Query.QueryVersion}}
	return out, c.tagCreated(g.ARN, in.tags, err)
}

func decodeUpdateDynamic(r *http.Request) (registry.UpdateDynamicThingGroupInput, error) {
	var in struct {
		queryJSON
		ThingGroupProperties *groupPropertiesUpdate `json:"thingGroupProperties"`
		ExpectedVersion      *int64                 `json:"expectedVersion"`
	}
	if err := readJSON(r, &in); err != nil {
		return registry.UpdateDynamicThingGroupInput{}, err
	}
	if in.ThingGroupProperties == nil {
		return registry.UpdateDynamicThingGroupInput{}, awsrest.Invalid("1 validation error detected: Value null at 'thingGroupProperties' failed to satisfy constraint: Member must not be null")
	}
	attrs, merge := in.ThingGroupProperties.attributes()
	return registry.UpdateDynamicThingGroupInput{
		Name: r.PathValue("thingGroupName"), Description: in.ThingGroupProperties.ThingGroupDescription,
		Attributes: attrs, Merge: merge, ExpectedVersion: in.ExpectedVersion, Query: in.query(),
	}, nil
}

func (c *ControlPlane) updateDynamic(_ context.Context, in registry.UpdateDynamicThingGroupInput) (versionOutput, error) {
	if in.Query.QueryString != "" {
		if err := c.checkQuery(in.Query.QueryString); err != nil {
			return versionOutput{}, err
		}
	}
	v, err := c.reg.UpdateDynamicThingGroup(in)
	return versionOutput{v}, err
}

func (c *ControlPlane) deleteDynamic(_ context.Context, in versioned) (empty, error) {
	if err := c.reg.DeleteDynamicThingGroup(in.name, in.version); err != nil {
		return empty{}, err
	}
	c.tags.Drop(c.reg.ThingGroupARN(in.name))
	return empty{}, nil
}
