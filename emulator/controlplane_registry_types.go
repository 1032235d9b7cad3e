package emulator

import (
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	iotreg "github.com/iotemu/iotemu/registry"
)

// Thing types: CreateThingType, DescribeThingType, ListThingTypes,
// DeprecateThingType, DeleteThingType.

func (s *Server) registerThingTypeRoutes(rt *route.Router) {
	rt.HandleFunc("/thing-types", s.handleListThingTypes, http.MethodGet)
	rt.HandleFunc("/thing-types/{thingTypeName}", s.handleCreateThingType, http.MethodPost)
	rt.HandleFunc("/thing-types/{thingTypeName}", s.handleDescribeThingType, http.MethodGet)
	rt.HandleFunc("/thing-types/{thingTypeName}", s.handleDeleteThingType, http.MethodDelete)
	rt.HandleFunc("/thing-types/{thingTypeName}/deprecate", s.handleDeprecateThingType, http.MethodPost)
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

func thingTypeOf(t iotreg.ThingType, withID bool) thingTypeJSON {
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

func (s *Server) handleCreateThingType(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ThingTypeProperties thingTypePropertiesJSON `json:"thingTypeProperties"`
	}
	if err := readJSON(r, &in); err != nil {
		writeRegistryError(w, err)
		return
	}
	t, err := s.iotreg.CreateThingType(iotreg.CreateThingTypeInput{
		Name: r.PathValue("thingTypeName"), Description: in.ThingTypeProperties.ThingTypeDescription,
		SearchableAttributes: in.ThingTypeProperties.SearchableAttributes,
	})
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		ThingTypeName string `json:"thingTypeName"`
		ThingTypeArn  string `json:"thingTypeArn"`
		ThingTypeID   string `json:"thingTypeId"`
	}{t.Name, t.ARN, t.ID})
}

func (s *Server) handleDescribeThingType(w http.ResponseWriter, r *http.Request) {
	t, err := s.iotreg.DescribeThingType(r.PathValue("thingTypeName"))
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), thingTypeOf(t, true))
}

func (s *Server) handleListThingTypes(w http.ResponseWriter, r *http.Request) {
	size, token, err := pageParams(r, "maxResults", "nextToken")
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	types, next, err := s.iotreg.ListThingTypes(r.URL.Query().Get("thingTypeName"), token, size)
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	out := struct {
		ThingTypes []thingTypeJSON `json:"thingTypes"`
		NextToken  string          `json:"nextToken,omitempty"`
	}{ThingTypes: []thingTypeJSON{}, NextToken: next}
	for _, t := range types {
		out.ThingTypes = append(out.ThingTypes, thingTypeOf(t, false))
	}
	awsrest.WriteJSON(w, requestID(w), out)
}

func (s *Server) handleDeprecateThingType(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UndoDeprecate bool `json:"undoDeprecate"`
	}
	err := readJSON(r, &in)
	if err == nil {
		err = s.iotreg.DeprecateThingType(r.PathValue("thingTypeName"), in.UndoDeprecate)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}

func (s *Server) handleDeleteThingType(w http.ResponseWriter, r *http.Request) {
	if err := s.iotreg.DeleteThingType(r.PathValue("thingTypeName")); err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}
