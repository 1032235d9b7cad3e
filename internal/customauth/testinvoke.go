package customauth

import (
	"context"
	"net/http"
	"strings"

	"github.com/iotemu/iotemu/policy"
)

// TestInput is TestInvokeAuthorizer's request: a token, its signature and
// the contexts the function's event is built from.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_TestInvokeAuthorizer.html#API_TestInvokeAuthorizer_RequestSyntax
type TestInput struct {
	Token, TokenSignature string
	HTTP                  *TestHTTP // nil: no http protocol data
	MQTT                  *TestMQTT // nil: no mqtt protocol data
	TLS                   *TestTLS  // nil: no tls protocol data
}

// TestHTTP is TestInvokeAuthorizer's httpContext.
type TestHTTP struct {
	Headers     map[string]string
	QueryString string
}

// TestMQTT is TestInvokeAuthorizer's mqttContext (Password nil: none).
type TestMQTT struct {
	Username *string
	Password []byte
	ClientID string
}

// TestTLS is TestInvokeAuthorizer's tlsContext.
type TestTLS struct {
	ServerName string
}

// TestInvoke runs an authorizer's function with a test token and contexts
// and returns its validated answer. The authorizer may be INACTIVE. A
// token whose signature does not verify is an error wrapping
// ErrBadSignature (InvalidRequestException: UNCONFIRMED,
// docs/compatibility.md); an answer of isAuthenticated false is
// ErrNotAuthenticated; any other error is the function's failure or its
// answer's. Policy documents are parsed with policy.Parse.
func (s *Service) TestInvoke(ctx context.Context, a *Authorizer, in TestInput) (*Result, error) {
	ev, pr := in.event()
	at, err := s.prepare(a, pr, ev, policy.Parse)
	if err != nil {
		return nil, err
	}
	return at.invoke(ctx)
}

// event builds the event and the presented token of a test.
func (in *TestInput) event() (event, presented) {
	var ev event
	if in.TLS != nil {
		ev.withTLS(in.TLS.ServerName)
	}
	if h := in.HTTP; h != nil {
		header := http.Header{}
		for k, v := range h.Headers {
			header.Set(k, v)
		}
		ev.withHeaders(header, strings.TrimPrefix(h.QueryString, "?"))
	}
	if m := in.MQTT; m != nil {
		username := ""
		if m.Username != nil {
			username = *m.Username
		}
		ev.withMQTT(username, m.Password, m.Password != nil, m.ClientID)
	}
	tok := in.Token
	p := presented{signature: in.TokenSignature, token: func(string) (string, bool) { return tok, tok != "" }}
	return ev, p
}
