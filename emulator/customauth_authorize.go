package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/policy"
)

// Reasons a custom authorizer refuses a client. "If failures occur during
// custom authentication, AWS IoT Core terminates the connection."
// AWS: custom-auth.html (broker.md §5.5).
var (
	errUnknownAuthorizer  = errors.New("unknown authorizer")
	errInactiveAuthorizer = errors.New("authorizer is INACTIVE")
)

// authorizerFor returns the authorizer a request names, or the default
// authorizer when it names none.
func (s *Server) authorizerFor(p authPresented) (*Authorizer, error) {
	var a *Authorizer
	var apiErr *awsrest.Error
	if p.named() {
		a, apiErr = s.authorizers.get(p.name)
	} else {
		a, apiErr = s.authorizers.defaultAuthorizer()
	}
	if apiErr != nil {
		return nil, fmt.Errorf("%w: %q", errUnknownAuthorizer, p.name)
	}
	if a.Status != AuthorizerActive {
		return nil, fmt.Errorf("%w: %s", errInactiveAuthorizer, a.Name)
	}
	return a, nil
}

// customAuth is one custom authentication: the authorizer, what the
// device presented and the event, kept to invoke the function again at
// refreshAfterInSeconds.
type customAuth struct {
	s     *Server
	a     *Authorizer
	ev    authorizerEvent
	parse func(string) (*policy.Policy, error)
}

// startCustomAuth resolves the authorizer and checks the token and its
// signature (unless signing is disabled), filling the event's token and
// signatureVerified. AWS: custom-auth.html, config-custom-auth.html.
func (s *Server) startCustomAuth(p authPresented, ev authorizerEvent, parse func(string) (*policy.Policy, error)) (*customAuth, error) {
	a, err := s.authorizerFor(p)
	if err != nil {
		return nil, err
	}
	return s.newCustomAuth(a, p, ev, parse)
}

// newCustomAuth checks the token of one authorizer.
func (s *Server) newCustomAuth(a *Authorizer, p authPresented, ev authorizerEvent, parse func(string) (*policy.Policy, error)) (*customAuth, error) {
	tok, ok := "", false
	if a.TokenKeyName != "" {
		tok, ok = p.token(a.TokenKeyName)
	}
	ev.Token = tok
	if !a.SigningDisabled {
		if !ok {
			return nil, fmt.Errorf("%w: no token under %q", errBadSignature, a.TokenKeyName)
		}
		if err := verifyTokenSignature(a.keys, tok, p.signature); err != nil {
			return nil, err
		}
		ev.SignatureVerified = true
	}
	ev.ConnectionMetadata.ID = newConnectionID()
	return &customAuth{s: s, a: a, ev: ev, parse: parse}, nil
}

// invoke runs the authorizer's function and validates its answer.
func (c *customAuth) invoke(ctx context.Context) (*authorizerResult, error) {
	body, err := json.Marshal(c.ev)
	if err != nil {
		return nil, fmt.Errorf("authorizer event: %w", err)
	}
	out, err := c.s.invokeAuthorizer(ctx, c.a.FunctionARN, body)
	if err != nil {
		return nil, err
	}
	return parseAuthorizerResponse(out, c.parse)
}

// isCredentialFailure reports whether a refusal is about the device's
// credentials (bad or missing signature, isAuthenticated false) rather
// than the authorizer (unknown, inactive, failing function, malformed
// answer). MQTT 5 clients get CONNACK 0x86 "Bad User Name or Password"
// for the first and 0x87 "Not authorized" for the second: UNCONFIRMED
// (broker.md §5.5 "0x86/0x87 both plausible"; docs/compatibility.md).
func isCredentialFailure(err error) bool {
	return errors.Is(err, errBadSignature) || errors.Is(err, errNotAuthenticated)
}

// newConnectionID is the event's connectionMetadata.id: a UUID.
func newConnectionID() string { return awsrest.NewRequestID() }
