package emulator

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

type testInvokeBody struct {
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

func (s *Server) handleTestInvokeAuthorizer(w http.ResponseWriter, r *http.Request) {
	var in testInvokeBody
	if err := readJSON(r, &in); err != nil {
		writeRegistryError(w, err)
		return
	}
	a, apiErr := s.authorizers.Get(r.PathValue("authorizerName"))
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	res, err := s.customAuth.TestInvoke(context.WithoutCancel(r.Context()), a, in.input())
	switch {
	case errors.Is(err, customauth.ErrBadSignature):
		writeError(w, invalid("%v", err))
	case errors.Is(err, customauth.ErrNotAuthenticated):
		awsrest.WriteJSON(w, requestID(w), map[string]any{"isAuthenticated": false})
	case err != nil:
		writeError(w, awsrest.Errorf(http.StatusBadRequest, "InvalidResponseException", "%v", err))
	default:
		awsrest.WriteJSON(w, requestID(w), testInvokeOutput(res))
	}
}

func testInvokeOutput(res *customauth.Result) any {
	return struct {
		IsAuthenticated          bool     `json:"isAuthenticated"`
		PrincipalID              string   `json:"principalId"`
		PolicyDocuments          []string `json:"policyDocuments"`
		RefreshAfterInSeconds    int64    `json:"refreshAfterInSeconds,omitempty"`
		DisconnectAfterInSeconds int64    `json:"disconnectAfterInSeconds,omitempty"`
	}{true, res.PrincipalID, append([]string{}, res.PolicyDocuments...), res.RefreshAfter, res.DisconnectAfter}
}
