package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/registry"
)

// Things: CreateThing, DescribeThing, ListThings, UpdateThing, DeleteThing.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThing.html#API_CreateThing_RequestSyntax
// and the pages of the other operations.

func (c *ControlPlane) registerThings(rt *route.Router) {
	rt.Handle("/things", handle(decodeListThings, c.listThings), http.MethodGet)
	rt.Handle("/things/{thingName}", handle(decodeCreateThing, c.createThing), http.MethodPost)
	rt.Handle("/things/{thingName}", handle(path("thingName"), c.describeThing), http.MethodGet)
	rt.Handle("/things/{thingName}", handle(decodeUpdateThing, c.updateThing), http.MethodPatch)
	rt.Handle("/things/{thingName}", handle(decodeDeleteThing, c.deleteThing), http.MethodDelete)
}

// attributePayload is AWS's AttributePayload.
type attributePayload struct {
	Attributes map[string]string `json:"attributes,omitempty"`
	Merge      bool              `json:"merge,omitempty"`
}

func decodeCreateThing(r *http.Request) (registry.CreateThingInput, error) {
	var in struct {
		ThingTypeName    string            `json:"thingTypeName"`
		AttributePayload *attributePayload `json:"attributePayload"`
		BillingGroupName string            `json:"billingGroupName"`
	}
	if err := readJSON(r, &in); err != nil {
		return registry.CreateThingInput{}, err
	}
	req := registry.CreateThingInput{Name: r.PathValue("thingName"), TypeName: in.ThingTypeName, BillingGroupName: in.BillingGroupName}
	if in.AttributePayload != nil {
		req.Attributes = in.AttributePayload.Attributes
	}
	return req, nil
}

type createThingOutput struct {
	ThingName string `json:"thingName"`
	ThingArn  string `json:"thingArn"`
	ThingID   string `json:"thingId"`
}

func (c *ControlPlane) createThing(_ context.Context, in registry.CreateThingInput) (createThingOutput, error) {
	t, err := c.reg.CreateThing(in)
	return createThingOutput{t.Name, t.ARN, t.ID}, err
}

// thingJSON is DescribeThing's output; ListThings' ThingAttribute is the
// same without defaultClientId and thingId.
type thingJSON struct {
	DefaultClientID string            `json:"defaultClientId,omitempty"`
	ThingName       string            `json:"thingName"`
	ThingID         string            `json:"thingId,omitempty"`
	ThingArn        string            `json:"thingArn"`
	ThingTypeName   string            `json:"thingTypeName,omitempty"`
	Attributes      map[string]string `json:"attributes"`
	Version         int64             `json:"version"`
}

func (c *ControlPlane) describeThing(_ context.Context, name string) (thingJSON, error) {
	t, err := c.reg.DescribeThing(name)
	// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeThing.html#iot-DescribeThing-response-defaultClientId
	// ("For a typical device, the thing name is also used as the default
	// MQTT client ID.").
	return thingJSON{
		DefaultClientID: t.Name, ThingName: t.Name, ThingID: t.ID, ThingArn: t.ARN,
		ThingTypeName: t.TypeName, Attributes: t.Attributes, Version: t.Version,
	}, err
}

func decodeListThings(r *http.Request) (registry.ListThingsInput, error) {
	q := r.URL.Query()
	p, err := pageParams(r, "maxResults", "nextToken")
	var prefix bool
	if err == nil {
		prefix, err = awsrest.QueryBool(r, "usePrefixAttributeValue")
	}
	return registry.ListThingsInput{
		MaxResults: p.size, NextToken: p.token, AttributeName: q.Get("attributeName"),
		AttributeValue: q.Get("attributeValue"), UsePrefixAttributeValue: prefix, ThingTypeName: q.Get("thingTypeName"),
	}, err
}

type listThingsOutput struct {
	Things    []thingJSON `json:"things"`
	NextToken string      `json:"nextToken,omitempty"`
}

func (c *ControlPlane) listThings(_ context.Context, in registry.ListThingsInput) (listThingsOutput, error) {
	things, next, err := c.reg.ListThings(in)
	out := listThingsOutput{Things: []thingJSON{}, NextToken: next}
	for _, t := range things {
		out.Things = append(out.Things, thingJSON{ThingName: t.Name, ThingArn: t.ARN, ThingTypeName: t.TypeName, Attributes: t.Attributes, Version: t.Version})
	}
	return out, err
}

func decodeUpdateThing(r *http.Request) (registry.UpdateThingInput, error) {
	var in struct {
		ThingTypeName    string            `json:"thingTypeName"`
		AttributePayload *attributePayload `json:"attributePayload"`
		ExpectedVersion  *int64            `json:"expectedVersion"`
		RemoveThingType  bool              `json:"removeThingType"`
	}
	if err := readJSON(r, &in); err != nil {
		return registry.UpdateThingInput{}, err
	}
	req := registry.UpdateThingInput{
		Name: r.PathValue("thingName"), TypeName: in.ThingTypeName, RemoveThingType: in.RemoveThingType,
		ExpectedVersion: in.ExpectedVersion,
	}
	if in.AttributePayload != nil {
		req.Attributes, req.Merge = in.AttributePayload.Attributes, in.AttributePayload.Merge
		if req.Attributes == nil {
			req.Attributes = map[string]string{}
		}
	}
	return req, nil
}

func (c *ControlPlane) updateThing(_ context.Context, in registry.UpdateThingInput) (empty, error) {
	_, err := c.reg.UpdateThing(in)
	return empty{}, err
}

// versioned is a name and an optional expectedVersion query parameter.
type versioned struct {
	name    string
	version *int64
}

func decodeVersioned(param string) func(*http.Request) (versioned, error) {
	return func(r *http.Request) (versioned, error) {
		v, err := awsrest.QueryLong(r, "expectedVersion")
		return versioned{r.PathValue(param), v}, err
	}
}

var decodeDeleteThing = decodeVersioned("thingName")

func (c *ControlPlane) deleteThing(_ context.Context, in versioned) (empty, error) {
	return empty{}, c.reg.DeleteThing(in.name, in.version)
}
