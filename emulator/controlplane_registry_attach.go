package emulator

import (
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	iotreg "github.com/iotemu/iotemu/registry"
)

// Attachments: AttachPolicy, DetachPolicy, the legacy
// AttachPrincipalPolicy/DetachPrincipalPolicy, ListAttachedPolicies,
// ListTargetsForPolicy, ListPrincipalPolicies, AttachThingPrincipal,
// DetachThingPrincipal, ListThingPrincipals, ListPrincipalThings.

// Header names. AWS: aws-sdk-go-v2 service/iot serializers.go
// (locationName "x-amzn-iot-principal" and "x-amzn-principal").
const (
	headerIoTPrincipal = "x-amzn-iot-principal"
	headerPrincipal    = "x-amzn-principal"
)

func (s *Server) registerAttachmentRoutes(rt *route.Router) {
	rt.HandleFunc("/target-policies/{policyName}", s.handleAttachPolicy, http.MethodPut)
	rt.HandleFunc("/target-policies/{policyName}", s.handleDetachPolicy, http.MethodPost)
	rt.HandleFunc("/principal-policies", s.handleListPrincipalPolicies, http.MethodGet)
	rt.HandleFunc("/principal-policies/{policyName}", s.handleAttachPrincipalPolicy, http.MethodPut)
	rt.HandleFunc("/principal-policies/{policyName}", s.handleDetachPrincipalPolicy, http.MethodDelete)
	rt.HandleFunc("/attached-policies/{target...}", s.handleListAttachedPolicies, http.MethodPost)
	rt.HandleFunc("/policy-targets/{policyName}", s.handleListTargetsForPolicy, http.MethodPost)
	rt.HandleFunc("/things/{thingName}/principals", s.handleAttachThingPrincipal, http.MethodPut)
	rt.HandleFunc("/things/{thingName}/principals", s.handleDetachThingPrincipal, http.MethodDelete)
	rt.HandleFunc("/things/{thingName}/principals", s.handleListThingPrincipals, http.MethodGet)
	rt.HandleFunc("/principals/things", s.handleListPrincipalThings, http.MethodGet)
}

func (s *Server) targetPolicy(w http.ResponseWriter, r *http.Request, op func(policy, target string) error) {
	var in struct {
		Target string `json:"target"`
	}
	err := readJSON(r, &in)
	if err == nil && in.Target == "" {
		err = invalid("Missing required parameter target")
	}
	if err == nil {
		err = op(r.PathValue("policyName"), in.Target)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}

func (s *Server) handleAttachPolicy(w http.ResponseWriter, r *http.Request) {
	s.targetPolicy(w, r, s.iotreg.AttachPolicy)
}

func (s *Server) handleDetachPolicy(w http.ResponseWriter, r *http.Request) {
	s.targetPolicy(w, r, s.iotreg.DetachPolicy)
}

func (s *Server) principalPolicy(w http.ResponseWriter, r *http.Request, op func(policy, principal string) error) {
	principal, err := requiredHeader(r, headerIoTPrincipal)
	if err == nil {
		err = op(r.PathValue("policyName"), principal)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}

func (s *Server) handleAttachPrincipalPolicy(w http.ResponseWriter, r *http.Request) {
	s.principalPolicy(w, r, s.iotreg.AttachPolicy)
}

func (s *Server) handleDetachPrincipalPolicy(w http.ResponseWriter, r *http.Request) {
	s.principalPolicy(w, r, s.iotreg.DetachPrincipalPolicy)
}

func (s *Server) handleListAttachedPolicies(w http.ResponseWriter, r *http.Request) {
	size, marker, err := pageParams(r, "pageSize", "marker")
	var recursive bool
	if err == nil {
		recursive, err = queryBool(r, "recursive")
	}
	var list []iotreg.Policy
	var next string
	if err == nil {
		list, next, err = s.iotreg.ListAttachedPolicies(r.PathValue("target"), recursive, marker, size)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writePolicyList(w, list, next)
}

// handleListPrincipalPolicies lists a principal's policies by name
// (isAscendingOrder is accepted; UNCONFIRMED what order AWS uses).
func (s *Server) handleListPrincipalPolicies(w http.ResponseWriter, r *http.Request) {
	principal, err := requiredHeader(r, headerIoTPrincipal)
	var size int
	var marker string
	if err == nil {
		size, marker, err = pageParams(r, "pageSize", "marker")
	}
	if err == nil {
		_, err = queryBool(r, "isAscendingOrder")
	}
	var list []iotreg.Policy
	var next string
	if err == nil {
		list, next, err = s.iotreg.ListAttachedPolicies(principal, false, marker, size)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writePolicyList(w, list, next)
}

func (s *Server) handleListTargetsForPolicy(w http.ResponseWriter, r *http.Request) {
	size, marker, err := pageParams(r, "pageSize", "marker")
	var targets []string
	var next string
	if err == nil {
		targets, next, err = s.iotreg.ListTargetsForPolicy(r.PathValue("policyName"), marker, size)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		Targets    []string `json:"targets"`
		NextMarker string   `json:"nextMarker,omitempty"`
	}{append([]string{}, targets...), next})
}

func (s *Server) handleAttachThingPrincipal(w http.ResponseWriter, r *http.Request) {
	principal, err := requiredHeader(r, headerPrincipal)
	if err == nil {
		typ := iotreg.ThingPrincipalType(r.URL.Query().Get("thingPrincipalType"))
		err = s.iotreg.AttachThingPrincipal(r.PathValue("thingName"), principal, typ)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}

func (s *Server) handleDetachThingPrincipal(w http.ResponseWriter, r *http.Request) {
	principal, err := requiredHeader(r, headerPrincipal)
	if err == nil {
		err = s.iotreg.DetachThingPrincipal(r.PathValue("thingName"), principal)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}

func (s *Server) handleListThingPrincipals(w http.ResponseWriter, r *http.Request) {
	size, token, err := pageParams(r, "maxResults", "nextToken")
	var list []string
	var next string
	if err == nil {
		list, next, err = s.iotreg.ListThingPrincipals(r.PathValue("thingName"), token, size)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		Principals []string `json:"principals"`
		NextToken  string   `json:"nextToken,omitempty"`
	}{append([]string{}, list...), next})
}

func (s *Server) handleListPrincipalThings(w http.ResponseWriter, r *http.Request) {
	principal, err := requiredHeader(r, headerPrincipal)
	var size int
	var token string
	if err == nil {
		size, token, err = pageParams(r, "maxResults", "nextToken")
	}
	var list []string
	var next string
	if err == nil {
		list, next, err = s.iotreg.ListPrincipalThings(principal, token, size)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		Things    []string `json:"things"`
		NextToken string   `json:"nextToken,omitempty"`
	}{append([]string{}, list...), next})
}
