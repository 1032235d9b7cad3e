package emulator

import (
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/customauth"
	"github.com/iotemu/iotemu/internal/route"
)

// The custom authorizer operations: CreateAuthorizer, DescribeAuthorizer,
// ListAuthorizers, UpdateAuthorizer, DeleteAuthorizer,
// SetDefaultAuthorizer, DescribeDefaultAuthorizer, ClearDefaultAuthorizer
// and TestInvokeAuthorizer (controlplane_authorizers_invoke.go), on the
// customauth store.
// Paths, methods, query names and JSON members are those of aws-sdk-go-v2
// service/iot v1.75.0 serializers.go/deserializers.go.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateAuthorizer.html#API_CreateAuthorizer_RequestSyntax and the neighbouring API pages.

func (s *Server) registerAuthorizerRoutes(rt *route.Router) {
	rt.HandleFunc("/authorizers", s.handleListAuthorizers, http.MethodGet)
	// botocore's model (and so the AWS CLI) has "/authorizers/"; the Go SDK "/authorizers".
	rt.HandleFunc("/authorizers/", s.handleListAuthorizers, http.MethodGet)
	rt.HandleFunc("/authorizer/{authorizerName}", s.handleCreateAuthorizer, http.MethodPost)
	rt.HandleFunc("/authorizer/{authorizerName}", s.handleDescribeAuthorizer, http.MethodGet)
	rt.HandleFunc("/authorizer/{authorizerName}", s.handleUpdateAuthorizer, http.MethodPut)
	rt.HandleFunc("/authorizer/{authorizerName}", s.handleDeleteAuthorizer, http.MethodDelete)
	rt.HandleFunc("/authorizer/{authorizerName}/test", s.handleTestInvokeAuthorizer, http.MethodPost)
	rt.HandleFunc("/default-authorizer", s.handleSetDefaultAuthorizer, http.MethodPost)
	rt.HandleFunc("/default-authorizer", s.handleDescribeDefaultAuthorizer, http.MethodGet)
	rt.HandleFunc("/default-authorizer", s.handleClearDefaultAuthorizer, http.MethodDelete)
}

type authorizerBody struct {
	AuthorizerFunctionArn  *string           `json:"authorizerFunctionArn"`
	TokenKeyName           *string           `json:"tokenKeyName"`
	TokenSigningPublicKeys map[string]string `json:"tokenSigningPublicKeys"`
	Status                 *string           `json:"status"`
	SigningDisabled        *bool             `json:"signingDisabled"`
	EnableCachingForHttp   *bool             `json:"enableCachingForHttp"`
}

type authorizerRef struct {
	AuthorizerName string `json:"authorizerName"`
	AuthorizerArn  string `json:"authorizerArn"`
}

func (s *Server) handleCreateAuthorizer(w http.ResponseWriter, r *http.Request) {
	var in authorizerBody
	if err := readJSON(r, &in); err != nil {
		writeRegistryError(w, err)
		return
	}
	a := &customauth.Authorizer{Name: r.PathValue("authorizerName"), TokenSigningPublicKeys: in.TokenSigningPublicKeys}
	setIf(&a.FunctionARN, in.AuthorizerFunctionArn)
	setIf(&a.TokenKeyName, in.TokenKeyName)
	setIf(&a.Status, in.Status)
	setIf(&a.SigningDisabled, in.SigningDisabled)
	setIf(&a.EnableCachingForHTTP, in.EnableCachingForHttp)
	out, apiErr := s.authorizers.Create(a)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	awsrest.WriteJSON(w, requestID(w), authorizerRef{out.Name, out.ARN})
}

// authorizerDescription is AWS's AuthorizerDescription.
type authorizerDescription struct {
	AuthorizerName         string            `json:"authorizerName"`
	AuthorizerArn          string            `json:"authorizerArn"`
	AuthorizerFunctionArn  string            `json:"authorizerFunctionArn"`
	TokenKeyName           string            `json:"tokenKeyName,omitempty"`
	TokenSigningPublicKeys map[string]string `json:"tokenSigningPublicKeys,omitempty"`
	Status                 string            `json:"status"`
	CreationDate           float64           `json:"creationDate"`
	LastModifiedDate       float64           `json:"lastModifiedDate"`
	SigningDisabled        bool              `json:"signingDisabled"`
	EnableCachingForHttp   bool              `json:"enableCachingForHttp"`
}

func describeAuthorizer(a *customauth.Authorizer) any {
	return struct {
		D authorizerDescription `json:"authorizerDescription"`
	}{authorizerDescription{a.Name, a.ARN, a.FunctionARN, a.TokenKeyName, a.TokenSigningPublicKeys, a.Status,
		epochSeconds(a.CreationDate), epochSeconds(a.LastModifiedDate), a.SigningDisabled, a.EnableCachingForHTTP}}
}

func (s *Server) handleDescribeAuthorizer(w http.ResponseWriter, r *http.Request) {
	a, apiErr := s.authorizers.Get(r.PathValue("authorizerName"))
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	awsrest.WriteJSON(w, requestID(w), describeAuthorizer(a))
}

func (s *Server) handleUpdateAuthorizer(w http.ResponseWriter, r *http.Request) {
	var in authorizerBody
	if err := readJSON(r, &in); err != nil {
		writeRegistryError(w, err)
		return
	}
	a, apiErr := s.authorizers.Update(r.PathValue("authorizerName"), customauth.Update{
		FunctionARN: in.AuthorizerFunctionArn, TokenKeyName: in.TokenKeyName, Status: in.Status,
		TokenSigningPublicKeys: in.TokenSigningPublicKeys, EnableCachingForHTTP: in.EnableCachingForHttp,
	})
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	awsrest.WriteJSON(w, requestID(w), authorizerRef{a.Name, a.ARN})
}

func (s *Server) handleDeleteAuthorizer(w http.ResponseWriter, r *http.Request) {
	if apiErr := s.authorizers.Delete(r.PathValue("authorizerName")); apiErr != nil {
		writeError(w, apiErr)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct{}{})
}

// maxAuthorizerPage is ListAuthorizers' pageSize bound.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListAuthorizers.html#API_ListAuthorizers_RequestSyntax (pageSize 1–250).
const maxAuthorizerPage = 250

func (s *Server) handleListAuthorizers(w http.ResponseWriter, r *http.Request) {
	size, marker, err := pageParams(r, "pageSize", "marker")
	var asc bool
	if err == nil {
		asc, err = queryBool(r, "isAscendingOrder")
	}
	status := r.URL.Query().Get("status")
	switch {
	case err != nil:
		writeRegistryError(w, err)
		return
	case size < 0 || size > maxAuthorizerPage:
		writeError(w, invalid("pageSize must be between 1 and %d", maxAuthorizerPage))
		return
	case status != "" && status != AuthorizerActive && status != AuthorizerInactive:
		writeError(w, invalid("status must be ACTIVE or INACTIVE"))
		return
	case size == 0:
		size = maxAuthorizerPage
	}
	list, next, apiErr := s.authorizers.List(status, asc, marker, size)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	out := struct {
		Authorizers []authorizerRef `json:"authorizers"`
		NextMarker  string          `json:"nextMarker,omitempty"`
	}{Authorizers: []authorizerRef{}, NextMarker: next}
	for _, a := range list {
		out.Authorizers = append(out.Authorizers, authorizerRef{a.Name, a.ARN})
	}
	awsrest.WriteJSON(w, requestID(w), out)
}

func (s *Server) handleSetDefaultAuthorizer(w http.ResponseWriter, r *http.Request) {
	var in struct {
		AuthorizerName string `json:"authorizerName"`
	}
	if err := readJSON(r, &in); err != nil {
		writeRegistryError(w, err)
		return
	}
	if apiErr := customauth.ValidateName(in.AuthorizerName); apiErr != nil {
		writeError(w, apiErr)
		return
	}
	a, apiErr := s.authorizers.SetDefault(in.AuthorizerName)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	awsrest.WriteJSON(w, requestID(w), authorizerRef{a.Name, a.ARN})
}

func (s *Server) handleDescribeDefaultAuthorizer(w http.ResponseWriter, _ *http.Request) {
	a, apiErr := s.authorizers.Default()
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	awsrest.WriteJSON(w, requestID(w), describeAuthorizer(a))
}

func (s *Server) handleClearDefaultAuthorizer(w http.ResponseWriter, _ *http.Request) {
	if apiErr := s.authorizers.ClearDefault(); apiErr != nil {
		writeError(w, apiErr)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct{}{})
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
