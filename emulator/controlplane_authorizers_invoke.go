package emulator

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/policy"
)

// TestInvokeAuthorizer runs an authorizer's function with a test token and
// contexts, and returns its validated answer (policy documents as
// strings). The authorizer may be INACTIVE, and a token whose signature
// does not verify is an InvalidRequestException: both UNCONFIRMED
// (docs/compatibility.md). AWS: API_TestInvokeAuthorizer.html.

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

// testInvokeEvent builds the event and the presented token of a test.
func (in *testInvokeBody) event() (authorizerEvent, authPresented) {
	var ev authorizerEvent
	if in.TLSContext != nil {
		ev.withTLS(in.TLSContext.ServerName)
	}
	if h := in.HTTPContext; h != nil {
		r := &http.Request{Header: http.Header{}, URL: &url.URL{}}
		for k, v := range h.Headers {
			r.Header.Set(k, v)
		}
		r.URL.RawQuery = trimQuestion(h.QueryString)
		ev.withHTTP(r)
	}
	if m := in.MQTTContext; m != nil {
		username := ""
		if m.Username != nil {
			username = *m.Username
		}
		ev.withMQTT(username, m.Password, m.Password != nil, m.ClientID)
	}
	p := authPresented{signature: in.TokenSignature, token: func(string) (string, bool) { return in.Token, in.Token != "" }}
	return ev, p
}

func trimQuestion(s string) string {
	if len(s) > 0 && s[0] == '?' {
		return s[1:]
	}
	return s
}

func (s *Server) handleTestInvokeAuthorizer(w http.ResponseWriter, r *http.Request) {
	var in testInvokeBody
	if err := readJSON(r, &in); err != nil {
		writeRegistryError(w, err)
		return
	}
	a, apiErr := s.authorizers.get(r.PathValue("authorizerName"))
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	ev, p := in.event()
	ca, err := s.newCustomAuth(a, p, ev, policy.Parse)
	if err != nil {
		writeError(w, invalid("%v", err))
		return
	}
	res, err := ca.invoke(context.WithoutCancel(r.Context()))
	switch {
	case errors.Is(err, errNotAuthenticated):
		awsrest.WriteJSON(w, requestID(w), map[string]any{"isAuthenticated": false})
	case err != nil:
		writeError(w, awsrest.Errorf(http.StatusBadRequest, "InvalidResponseException", "%v", err))
	default:
		awsrest.WriteJSON(w, requestID(w), testInvokeOutput(res))
	}
}

func testInvokeOutput(res *authorizerResult) any {
	return struct {
		IsAuthenticated          bool     `json:"isAuthenticated"`
		PrincipalID              string   `json:"principalId"`
		PolicyDocuments          []string `json:"policyDocuments"`
		RefreshAfterInSeconds    int64    `json:"refreshAfterInSeconds,omitempty"`
		DisconnectAfterInSeconds int64    `json:"disconnectAfterInSeconds,omitempty"`
	}{true, res.principalID, append([]string{}, res.documents...), res.refreshAfter, res.disconnectAfter}
}
