package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/customauth"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/tagging"
)

// The custom authorizer operations: CreateAuthorizer, DescribeAuthorizer,
// ListAuthorizers, UpdateAuthorizer, DeleteAuthorizer,
// SetDefaultAuthorizer, DescribeDefaultAuthorizer, ClearDefaultAuthorizer
// and TestInvokeAuthorizer (authorizertest.go), on the customauth store.
// Paths, methods, query names and JSON members are those of aws-sdk-go-v2
// service/iot v1.75.0 serializers.go/deserializers.go.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateAuthorizer.html#API_CreateAuthorizer_RequestSyntax and the neighbouring API pages.

func (c *ControlPlane) registerAuthorizers(rt *route.Router) {
	if c.cfg.Authorizers == nil {
		return
	}
	list := handle(decodeListAuthorizers, c.listAuthorizers)
	rt.Handle("/authorizers", list, http.MethodGet)
	// botocore's model (and so the AWS CLI) has "/authorizers/"; the Go SDK "/authorizers".
	rt.Handle("/authorizers/", list, http.MethodGet)
	rt.Handle("/authorizer/{authorizerName}", handle(decodeAuthorizer, c.createAuthorizer), http.MethodPost)
	rt.Handle("/authorizer/{authorizerName}", handle(path("authorizerName"), c.describeAuthorizer), http.MethodGet)
	rt.Handle("/authorizer/{authorizerName}", handle(decodeAuthorizer, c.updateAuthorizer), http.MethodPut)
	rt.Handle("/authorizer/{authorizerName}", handle(path("authorizerName"), c.deleteAuthorizer), http.MethodDelete)
	rt.Handle("/authorizer/{authorizerName}/test", handle(decodeTestInvoke, c.testInvokeAuthorizer), http.MethodPost)
	rt.Handle("/default-authorizer", handle(decodeSetDefault, c.setDefaultAuthorizer), http.MethodPost)
	rt.Handle("/default-authorizer", handle(none, c.describeDefaultAuthorizer), http.MethodGet)
	rt.Handle("/default-authorizer", handle(none, c.clearDefaultAuthorizer), http.MethodDelete)
}

// none decodes an operation without input.
func none(*http.Request) (struct{}, error) { return struct{}{}, nil }

type authorizerBody struct {
	name                   string
	AuthorizerFunctionArn  *string           `json:"authorizerFunctionArn"`
	TokenKeyName           *string           `json:"tokenKeyName"`
	TokenSigningPublicKeys map[string]string `json:"tokenSigningPublicKeys"`
	Status                 *string           `json:"status"`
	SigningDisabled        *bool             `json:"signingDisabled"`
	EnableCachingForHttp   *bool             `json:"enableCachingForHttp"` //nolint:revive // AWS's member name
	Tags                   []tagging.Tag     `json:"tags"`
}

func decodeAuthorizer(r *http.Request) (authorizerBody, error) {
	var in authorizerBody
	err := readJSON(r, &in)
	in.name = r.PathValue("authorizerName")
	if err == nil {
		err = createTags(in.Tags)
	}
	return in, err
}

type authorizerRef struct {
	AuthorizerName string `json:"authorizerName"`
	AuthorizerArn  string `json:"authorizerArn"`
}

func refOf(a *customauth.Authorizer) authorizerRef { return authorizerRef{a.Name, a.ARN} }

func (c *ControlPlane) createAuthorizer(_ context.Context, in authorizerBody) (authorizerRef, error) {
	a := &customauth.Authorizer{Name: in.name, TokenSigningPublicKeys: in.TokenSigningPublicKeys}
	setIf(&a.FunctionARN, in.AuthorizerFunctionArn)
	setIf(&a.TokenKeyName, in.TokenKeyName)
	setIf(&a.Status, in.Status)
	setIf(&a.SigningDisabled, in.SigningDisabled)
	setIf(&a.EnableCachingForHTTP, in.EnableCachingForHttp)
	out, apiErr := c.cfg.Authorizers.Create(a)
	if apiErr != nil {
		return authorizerRef{}, apiErr
	}
	return refOf(out), c.tagCreated(out.ARN, in.Tags, nil)
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
	EnableCachingForHttp   bool              `json:"enableCachingForHttp"` //nolint:revive // AWS's member name
}

type describedAuthorizer struct {
	D authorizerDescription `json:"authorizerDescription"`
}

func describe(a *customauth.Authorizer) describedAuthorizer {
	return describedAuthorizer{authorizerDescription{a.Name, a.ARN, a.FunctionARN, a.TokenKeyName, a.TokenSigningPublicKeys,
		a.Status, epochSeconds(a.CreationDate), epochSeconds(a.LastModifiedDate), a.SigningDisabled, a.EnableCachingForHTTP}}
}

func (c *ControlPlane) describeAuthorizer(_ context.Context, name string) (describedAuthorizer, error) {
	a, apiErr := c.cfg.Authorizers.Get(name)
	if apiErr != nil {
		return describedAuthorizer{}, apiErr
	}
	return describe(a), nil
}

func (c *ControlPlane) updateAuthorizer(_ context.Context, in authorizerBody) (authorizerRef, error) {
	a, apiErr := c.cfg.Authorizers.Update(in.name, customauth.Update{
		FunctionARN: in.AuthorizerFunctionArn, TokenKeyName: in.TokenKeyName, Status: in.Status,
		TokenSigningPublicKeys: in.TokenSigningPublicKeys, EnableCachingForHTTP: in.EnableCachingForHttp,
	})
	if apiErr != nil {
		return authorizerRef{}, apiErr
	}
	return refOf(a), nil
}

func (c *ControlPlane) deleteAuthorizer(_ context.Context, name string) (empty, error) {
	a, apiErr := c.cfg.Authorizers.Get(name)
	if apiErr == nil {
		apiErr = c.cfg.Authorizers.Delete(name)
	}
	if apiErr != nil {
		return empty{}, apiErr
	}
	c.tags.Drop(a.ARN)
	return empty{}, nil
}

// maxAuthorizerPage is ListAuthorizers' pageSize bound.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListAuthorizers.html#API_ListAuthorizers_RequestSyntax (pageSize 1–250).
const maxAuthorizerPage = 250

type listAuthorizersInput struct {
	page
	ascending bool
	status    string
}

func decodeListAuthorizers(r *http.Request) (listAuthorizersInput, error) {
	p, err := pageParams(r, "pageSize", "marker")
	if err != nil {
		return listAuthorizersInput{}, err
	}
	asc, err := awsrest.QueryBool(r, "isAscendingOrder")
	in := listAuthorizersInput{page: p, ascending: asc, status: r.URL.Query().Get("status")}
	switch {
	case err != nil:
		return in, err
	case p.size < 0 || p.size > maxAuthorizerPage:
		return in, awsrest.Invalid("pageSize must be between 1 and %d", maxAuthorizerPage)
	case in.status != "" && in.status != customauth.Active && in.status != customauth.Inactive:
		return in, awsrest.Invalid("status must be ACTIVE or INACTIVE")
	case p.size == 0:
		in.size = maxAuthorizerPage
	}
	return in, nil
}

type authorizerList struct {
	Authorizers []authorizerRef `json:"authorizers"`
	NextMarker  string          `json:"nextMarker,omitempty"`
}

func (c *ControlPlane) listAuthorizers(_ context.Context, in listAuthorizersInput) (authorizerList, error) {
	list, next, apiErr := c.cfg.Authorizers.List(in.status, in.ascending, in.token, in.size)
	if apiErr != nil {
		return authorizerList{}, apiErr
	}
	out := authorizerList{Authorizers: []authorizerRef{}, NextMarker: next}
	for _, a := range list {
		out.Authorizers = append(out.Authorizers, refOf(a))
	}
	return out, nil
}

func decodeSetDefault(r *http.Request) (string, error) {
	var in struct {
		AuthorizerName string `json:"authorizerName"`
	}
	if err := readJSON(r, &in); err != nil {
		return "", err
	}
	if apiErr := customauth.ValidateName(in.AuthorizerName); apiErr != nil {
		return "", apiErr
	}
	return in.AuthorizerName, nil
}

func (c *ControlPlane) setDefaultAuthorizer(_ context.Context, name string) (authorizerRef, error) {
	a, apiErr := c.cfg.Authorizers.SetDefault(name)
	if apiErr != nil {
		return authorizerRef{}, apiErr
	}
	return refOf(a), nil
}

func (c *ControlPlane) describeDefaultAuthorizer(context.Context, struct{}) (describedAuthorizer, error) {
	a, apiErr := c.cfg.Authorizers.Default()
	if apiErr != nil {
		return describedAuthorizer{}, apiErr
	}
	return describe(a), nil
}

func (c *ControlPlane) clearDefaultAuthorizer(context.Context, struct{}) (empty, error) {
	if apiErr := c.cfg.Authorizers.ClearDefault(); apiErr != nil {
		return empty{}, apiErr
	}
	return empty{}, nil
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
