package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/tagging"
)

// Thing types: CreateThingType, DescribeThingType, ListThingTypes,
// DeprecateThingType, DeleteThingType.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThingType.html#API_CreateThingType_RequestSyntax
// and the pages of the other operations.

func (c *ControlPlane) registerThingTypes(rt *route.Router) {
	rt.Handle("/thing-types", handle(decodeListThingTypes, c.listThingTypes), http.MethodGet)
	rt.Handle("/thing-types/{thingTypeName}", handle(decodeCreateThingType, c.createThingType), http.MethodPost)
	rt.Handle("/thing-types/{thingTypeName}", handle(path("thingTypeName"), c.describeThingType), http.MethodGet)
	rt.Handle("/thing-types/{thingTypeName}", handle(path("thingTypeName"), c.deleteThingType), http.MethodDelete)
	rt.Handle("/thing-types/{thingTypeName}/deprecate", handle(decodeDeprecateThingType, c.deprecateThingType), http.MethodPost)
}

type thingTypePropertiesJSON struct {
	ThingTypeDescription string   `json:"thingTypeDescription,omitempty"`
	SearchableAttributes []string `json:"searchableAttributes,omitempty"`
}

type thingTypeMetadataJSON struct {
	Deprecated      bool     `json:"deprecated"`
	DeprecationDate *float64 `json:"deprecationDate,omitempty"`
	CreationDate    float64  `json:"creationDate"`
}

// thingTypeJSON is DescribeThingType's output and ListThingTypes'
// ThingTypeDefinition (which has no thingTypeId).
type thingTypeJSON struct {
	ThingTypeName       string                  `json:"thingTypeName"`
	ThingTypeID         string                  `json:"thingTypeId,omitempty"`
	ThingTypeArn        string                  `json:"thingTypeArn"`
	ThingTypeProperties thingTypePropertiesJSON `json:"thingTypeProperties"`
	ThingTypeMetadata   thingTypeMetadataJSON   `json:"thingTypeMetadata"`
}

func thingTypeOf(t registry.ThingType, withID bool) thingTypeJSON {
	out := thingTypeJSON{
		ThingTypeName: t.Name, ThingTypeArn: t.ARN,
		ThingTypeProperties: thingTypePropertiesJSON{t.Description, t.SearchableAttributes},
		ThingTypeMetadata:   thingTypeMetadataJSON{t.Deprecated, epochPtr(t.DeprecationDate), epochSeconds(t.CreationDate)},
	}
	if withID {
		out.ThingTypeID = t.ID
	}
	return out
}

type createThingTypeInput struct {
	registry.CreateThingTypeInput
	tags []tagging.Tag
}

func decodeCreateThingType(r *http.Request) (createThingTypeInput, error) {
	var in struct {
		ThingTypeProperties thingTypePropertiesJSON `json:"thingTypeProperties"`
		Tags                []tagging.Tag           `json:"tags"`
	}
	if err := readJSON(r, &in); err != nil {
		return createThingTypeInput{}, err
	}
	return createThingTypeInput{registry.CreateThingTypeInput{
		Name: r.PathValue("thingTypeName"), Description: in.ThingTypeProperties.ThingTypeDescription,
		SearchableAttributes: in.ThingTypeProperties.SearchableAttributes,
	}, in.Tags}, createTags(in.Tags)
}

type createThingTypeOutput struct {
	ThingTypeName string `json:"thingTypeName"`
	ThingTypeArn  string `json:"thingTypeArn"`
	ThingTypeID   string `json:"thingTypeId"`
}

func (c *ControlPlane) createThingType(_ context.Context, in createThingTypeInput) (createThingTypeOutput, error) {
	t, err := c.reg.CreateThingType(in.CreateThingTypeInput)
	return createThingTypeOutput{t.Name, t.ARN, t.ID}, c.tagCreated(t.ARN, in.tags, err)
}

func (c *ControlPlane) describeThingType(_ context.Context, name string) (thingTypeJSON, error) {
	t, err := c.reg.DescribeThingType(name)
	return thingTypeOf(t, true), err
}

type listThingTypesInput struct {
	page
	name string
}

func decodeListThingTypes(r *http.Request) (listThingTypesInput, error) {
	p, err := pageParams(r, "maxResults", "nextToken")
	return listThingTypesInput{p, r.URL.Query().Get("thingTypeName")}, err
}

type listThingTypesOutput struct {
	ThingTypes []thingTypeJSON `json:"thingTypes"`
	NextToken  string          `json:"nextToken,omitempty"`
}

func (c *ControlPlane) listThingTypes(_ context.Context, in listThingTypesInput) (listThingTypesOutput, error) {
	types, next, err := c.reg.ListThingTypes(in.name, in.token, in.size)
	out := listThingTypesOutput{ThingTypes: []thingTypeJSON{}, NextToken: next}
	for _, t := range types {
		out.ThingTypes = append(out.ThingTypes, thingTypeOf(t, false))
	}
	return out, err
}

type deprecateInput struct {
	name string
	undo bool
}

func decodeDeprecateThingType(r *http.Request) (deprecateInput, error) {
	var in struct {
		UndoDeprecate bool `json:"undoDeprecate"`
	}
	err := readJSON(r, &in)
	return deprecateInput{r.PathValue("thingTypeName"), in.UndoDeprecate}, err
}

func (c *ControlPlane) deprecateThingType(_ context.Context, in deprecateInput) (empty, error) {
	return empty{}, c.reg.DeprecateThingType(in.name, in.undo)
}

func (c *ControlPlane) deleteThingType(_ context.Context, name string) (empty, error) {
	if err := c.reg.DeleteThingType(name); err != nil {
		return empty{}, err
	}
	c.tags.Drop(c.reg.ThingTypeARN(name))
	return empty{}, nil
}
