package emulator

import (
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	iotreg "github.com/iotemu/iotemu/registry"
)

// Policies and their versions: CreatePolicy, GetPolicy, ListPolicies,
// DeletePolicy, CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions,
// SetDefaultPolicyVersion, DeletePolicyVersion.

func (s *Server) registerPolicyRoutes(rt *route.Router) {
	rt.HandleFunc("/policies", s.handleListPolicies, http.MethodGet)
	rt.HandleFunc("/policies/{policyName}", s.handleCreatePolicy, http.MethodPost)
	rt.HandleFunc("/policies/{policyName}", s.handleGetPolicy, http.MethodGet)
	rt.HandleFunc("/policies/{policyName}", s.handleDeletePolicy, http.MethodDelete)
	rt.HandleFunc("/policies/{policyName}/version", s.handleCreatePolicyVersion, http.MethodPost)
	rt.HandleFunc("/policies/{policyName}/version", s.handleListPolicyVersions, http.MethodGet)
	rt.HandleFunc("/policies/{policyName}/version/{policyVersionId}", s.handleGetPolicyVersion, http.MethodGet)
	rt.HandleFunc("/policies/{policyName}/version/{policyVersionId}", s.handleSetDefaultPolicyVersion, http.MethodPatch)
	rt.HandleFunc("/policies/{policyName}/version/{policyVersionId}", s.handleDeletePolicyVersion, http.MethodDelete)
}

type policyDocumentBody struct {
	PolicyDocument string `json:"policyDocument"`
}

func (s *Server) handleCreatePolicy(w http.ResponseWriter, r *http.Request) {
	var in policyDocumentBody
	err := readJSON(r, &in)
	var v iotreg.PolicyVersion
	if err == nil {
		v, err = s.iotreg.CreatePolicy(r.PathValue("policyName"), in.PolicyDocument)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		PolicyName      string `json:"policyName"`
		PolicyArn       string `json:"policyArn"`
		PolicyDocument  string `json:"policyDocument"`
		PolicyVersionID string `json:"policyVersionId"`
	}{v.PolicyName, v.PolicyARN, v.Document, v.VersionID})
}

func (s *Server) handleGetPolicy(w http.ResponseWriter, r *http.Request) {
	p, err := s.iotreg.GetPolicy(r.PathValue("policyName"))
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		PolicyName       string  `json:"policyName"`
		PolicyArn        string  `json:"policyArn"`
		PolicyDocument   string  `json:"policyDocument"`
		DefaultVersionID string  `json:"defaultVersionId"`
		CreationDate     float64 `json:"creationDate"`
		LastModifiedDate float64 `json:"lastModifiedDate"`
		GenerationID     string  `json:"generationId"`
	}{p.Name, p.ARN, p.Document, p.DefaultVersionID, epochSeconds(p.CreationDate), epochSeconds(p.LastModifiedDate), p.GenerationID})
}

// policyRef is AWS's Policy shape in lists.
type policyRef struct {
	PolicyName string `json:"policyName"`
	PolicyArn  string `json:"policyArn"`
}

// writePolicyList answers ListPolicies, ListAttachedPolicies and
// ListPrincipalPolicies: {"policies": [...], "nextMarker"}.
func writePolicyList(w http.ResponseWriter, list []iotreg.Policy, next string) {
	out := struct {
		Policies   []policyRef `json:"policies"`
		NextMarker string      `json:"nextMarker,omitempty"`
	}{Policies: []policyRef{}, NextMarker: next}
	for _, p := range list {
		out.Policies = append(out.Policies, policyRef{p.Name, p.ARN})
	}
	awsrest.WriteJSON(w, requestID(w), out)
}

func (s *Server) handleListPolicies(w http.ResponseWriter, r *http.Request) {
	size, marker, err := pageParams(r, "pageSize", "marker")
	var asc bool
	if err == nil {
		asc, err = queryBool(r, "isAscendingOrder")
	}
	var list []iotreg.Policy
	var next string
	if err == nil {
		list, next, err = s.iotreg.ListPolicies(marker, size, asc)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writePolicyList(w, list, next)
}

func (s *Server) handleDeletePolicy(w http.ResponseWriter, r *http.Request) {
	if err := s.iotreg.DeletePolicy(r.PathValue("policyName")); err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}

func (s *Server) handleCreatePolicyVersion(w http.ResponseWriter, r *http.Request) {
	var in policyDocumentBody
	setDefault, err := queryBool(r, "setAsDefault")
	if err == nil {
		err = readJSON(r, &in)
	}
	var v iotreg.PolicyVersion
	if err == nil {
		v, err = s.iotreg.CreatePolicyVersion(r.PathValue("policyName"), in.PolicyDocument, setDefault)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		PolicyArn        string `json:"policyArn"`
		PolicyDocument   string `json:"policyDocument"`
		PolicyVersionID  string `json:"policyVersionId"`
		IsDefaultVersion bool   `json:"isDefaultVersion"`
	}{v.PolicyARN, v.Document, v.VersionID, v.IsDefault})
}

func (s *Server) handleGetPolicyVersion(w http.ResponseWriter, r *http.Request) {
	v, err := s.iotreg.GetPolicyVersion(r.PathValue("policyName"), r.PathValue("policyVersionId"))
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		PolicyArn        string  `json:"policyArn"`
		PolicyName       string  `json:"policyName"`
		PolicyDocument   string  `json:"policyDocument"`
		PolicyVersionID  string  `json:"policyVersionId"`
		IsDefaultVersion bool    `json:"isDefaultVersion"`
		CreationDate     float64 `json:"creationDate"`
		LastModifiedDate float64 `json:"lastModifiedDate"`
		GenerationID     string  `json:"generationId"`
	}{v.PolicyARN, v.PolicyName, v.Document, v.VersionID, v.IsDefault, epochSeconds(v.CreationDate), epochSeconds(v.LastModifiedDate), v.GenerationID})
}

func (s *Server) handleListPolicyVersions(w http.ResponseWriter, r *http.Request) {
	vs, err := s.iotreg.ListPolicyVersions(r.PathValue("policyName"))
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	type item struct {
		VersionID        string  `json:"versionId"`
		IsDefaultVersion bool    `json:"isDefaultVersion"`
		CreateDate       float64 `json:"createDate"`
	}
	out := struct {
		PolicyVersions []item `json:"policyVersions"`
	}{PolicyVersions: []item{}}
	for _, v := range vs {
		out.PolicyVersions = append(out.PolicyVersions, item{v.VersionID, v.IsDefault, epochSeconds(v.CreationDate)})
	}
	awsrest.WriteJSON(w, requestID(w), out)
}

func (s *Server) handleSetDefaultPolicyVersion(w http.ResponseWriter, r *http.Request) {
	if err := s.iotreg.SetDefaultPolicyVersion(r.PathValue("policyName"), r.PathValue("policyVersionId")); err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}

func (s *Server) handleDeletePolicyVersion(w http.ResponseWriter, r *http.Request) {
	if err := s.iotreg.DeletePolicyVersion(r.PathValue("policyName"), r.PathValue("policyVersionId")); err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}
