package controlplane

import (
	"context"
	"errors"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/customauth"
)

// TestInvokeAuthorizer runs an authorizer's function with a test token and
// contexts (customauth.Service.TestInvoke), and returns its validated
// answer (policy documents as strings). The authorizer may be INACTIVE,
// and a token whose signature does not verify is an
// InvalidRequestException: both UNCONFIRMED (docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_TestInvokeAuthorizer.html#API_TestInvokeAuthorizer_RequestSyntax

// AuthorizerTester runs TestInvokeAuthorizer (customauth.Service).
type AuthorizerTester interface {
	TestInvoke(ctx context.Context, a *customauth.Authorizer, in customauth.TestInput) (*customauth.Result, error)
}

var _ AuthorizerTester = (*customauth.Service)(nil)

type testInvokeBody struct {
	name           string
	Token          string `json:"token"`
	TokenSignature string `json:"tokenSignature"`
	HTTPContext    *struct {
		Headers     map[string]string `json:"headers"`
		QueryString string            `json:"queryString"`
	} `json:"httpContext"`
	MQTTContext *struct {
		Username *string `json:"username"`
		Password []byte  `json:"password"` // base64 in JSON (a blob)
		ClientID string  `json:"clientId"`
	} `json:"mqttContext"`
	TLSContext *struct {
		ServerName string `json:"serverName"`
	} `json:"tlsContext"`
}

func decodeTestInvoke(r *http.Request) (testInvokeBody, error) {
	var in testInvokeBody
	err := readJSON(r, &in)
	in.name = r.PathValue("authorizerName")
	return in, err
}

// input is the request as customauth reads it.
func (in *testInvokeBody) input() customauth.TestInput {
	out := customauth.TestInput{Token: in.Token, TokenSignature: in.TokenSignature}
	if h := in.HTTPContext; h != nil {
		out.HTTP = &customauth.TestHTTP{Headers: h.Headers, QueryString: h.QueryString}
	}
	if m := in.MQTTContext; m != nil {
		out.MQTT = &customauth.TestMQTT{Username: m.Username, Password: m.Password, ClientID: m.ClientID}
	}
	if t := in.TLSContext; t != nil {
		out.TLS = &customauth.TestTLS{ServerName: t.ServerName}
	}
	return out
}

// testInvokeOutput is TestInvokeAuthorizer's output for an authenticated
// token; a refused one is {"isAuthenticated":false} alone (notAuthenticated).
type testInvokeOutput struct {
	IsAuthenticated          bool     `json:"isAuthenticated"`
	PrincipalID              string   `json:"principalId"`
	PolicyDocuments          []string `json:"policyDocuments"`
	RefreshAfterInSeconds    int64    `json:"refreshAfterInSeconds,omitempty"`
	DisconnectAfterInSeconds int64    `json:"disconnectAfterInSeconds,omitempty"`
}

type notAuthenticated struct {
	IsAuthenticated bool `json:"isAuthenticated"`
}

func (c *ControlPlane) testInvokeAuthorizer(ctx context.Context, in testInvokeBody) (any, error) {
	a, apiErr := c.cfg.Authorizers.Get(in.name)
	if apiErr != nil {
		return nil, apiErr
	}
	// The function runs to its own 5 s timeout even if the caller gives up,
	// as a Lambda invocation would.
	res, err := c.cfg.AuthorizerTester.TestInvoke(context.WithoutCancel(ctx), a, in.input())
	switch {
	case errors.Is(err, customauth.ErrBadSignature):
		return nil, awsrest.Invalid("%v", err)
	case errors.Is(err, customauth.ErrNotAuthenticated):
		return notAuthenticated{}, nil
	case err != nil:
		return nil, awsrest.Errorf(http.StatusBadRequest, "InvalidResponseException", "%v", err)
	}
	return testInvokeOutput{true, res.PrincipalID, append([]string{}, res.PolicyDocuments...), res.RefreshAfter, res.DisconnectAfter}, nil
}
