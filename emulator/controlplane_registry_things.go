package emulator

import (
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	iotreg "github.com/iotemu/iotemu/registry"
)

// Things: CreateThing, DescribeThing, ListThings, UpdateThing, DeleteThing.
// AWS: apireference/API_CreateThing.html and siblings.

func (s *Server) registerThingRoutes(rt *route.Router) {
	rt.HandleFunc("/things", s.handleListThings, http.MethodGet)
	rt.HandleFunc("/things/{thingName}", s.handleCreateThing, http.MethodPost)
	rt.HandleFunc("/things/{thingName}", s.handleDescribeThing, http.MethodGet)
	rt.HandleFunc("/things/{thingName}", s.handleUpdateThing, http.MethodPatch)
	rt.HandleFunc("/things/{thingName}", s.handleDeleteThing, http.MethodDelete)
}

// attributePayload is AWS's AttributePayload.
type attributePayload struct {
	Attributes map[string]string `json:"attributes,omitempty"`
	Merge      bool              `json:"merge,omitempty"`
}

func (s *Server) handleCreateThing(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ThingTypeName    string            `json:"thingTypeName"`
		AttributePayload *attributePayload `json:"attributePayload"`
		BillingGroupName string            `json:"billingGroupName"`
	}
	if err := readJSON(r, &in); err != nil {
		writeRegistryError(w, err)
		return
	}
	if in.BillingGroupName != "" {
		// The emulator has no billing groups, so none exists.
		writeRegistryError(w, &iotreg.Error{Code: iotreg.ResourceNotFound, Message: "Billing group " + in.BillingGroupName + " does not exist"})
		return
	}
	req := iotreg.CreateThingInput{Name: r.PathValue("thingName"), TypeName: in.ThingTypeName}
	if in.AttributePayload != nil {
		req.Attributes = in.AttributePayload.Attributes
	}
	t, err := s.iotreg.CreateThing(req)
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		ThingName string `json:"thingName"`
		ThingArn  string `json:"thingArn"`
		ThingID   string `json:"thingId"`
	}{t.Name, t.ARN, t.ID})
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

func (s *Server) handleDescribeThing(w http.ResponseWriter, r *http.Request) {
	t, err := s.iotreg.DescribeThing(r.PathValue("thingName"))
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	// AWS: API_DescribeThing.html defaultClientId ("The default MQTT client
	// ID. For a typical device, the thing name is also used as the default
	// MQTT client ID.").
	awsrest.WriteJSON(w, requestID(w), thingJSON{
		DefaultClientID: t.Name, ThingName: t.Name, ThingID: t.ID, ThingArn: t.ARN,
		ThingTypeName: t.TypeName, Attributes: t.Attributes, Version: t.Version,
	})
}

func (s *Server) handleListThings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size, token, err := pageParams(r, "maxResults", "nextToken")
	var prefix bool
	if err == nil {
		prefix, err = queryBool(r, "usePrefixAttributeValue")
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	things, next, err := s.iotreg.ListThings(iotreg.ListThingsInput{
		MaxResults: size, NextToken: token, AttributeName: q.Get("attributeName"),
		AttributeValue: q.Get("attributeValue"), UsePrefixAttributeValue: prefix, ThingTypeName: q.Get("thingTypeName"),
	})
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	out := struct {
		Things    []thingJSON `json:"things"`
		NextToken string      `json:"nextToken,omitempty"`
	}{Things: []thingJSON{}, NextToken: next}
	for _, t := range things {
		out.Things = append(out.Things, thingJSON{ThingName: t.Name, ThingArn: t.ARN, ThingTypeName: t.TypeName, Attributes: t.Attributes, Version: t.Version})
	}
	awsrest.WriteJSON(w, requestID(w), out)
}

func (s *Server) handleUpdateThing(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ThingTypeName    string            `json:"thingTypeName"`
		AttributePayload *attributePayload `json:"attributePayload"`
		ExpectedVersion  *int64            `json:"expectedVersion"`
		RemoveThingType  bool              `json:"removeThingType"`
	}
	if err := readJSON(r, &in); err != nil {
		writeRegistryError(w, err)
		return
	}
	req := iotreg.UpdateThingInput{
		Name: r.PathValue("thingName"), TypeName: in.ThingTypeName, RemoveThingType: in.RemoveThingType,
		ExpectedVersion: in.ExpectedVersion,
	}
	if in.AttributePayload != nil {
		req.Attributes, req.Merge = in.AttributePayload.Attributes, in.AttributePayload.Merge
		if req.Attributes == nil {
			req.Attributes = map[string]string{}
		}
	}
	if _, err := s.iotreg.UpdateThing(req); err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}

func (s *Server) handleDeleteThing(w http.ResponseWriter, r *http.Request) {
	v, err := queryVersion(r, "expectedVersion")
	if err == nil {
		err = s.iotreg.DeleteThing(r.PathValue("thingName"), v)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}

// writeEmptyObject answers an operation whose output has no members with
// {} (UNCONFIRMED: AWS may send an empty body; SDKs accept both).
func writeEmptyObject(w http.ResponseWriter) {
	awsrest.WriteJSON(w, requestID(w), struct{}{})
}
