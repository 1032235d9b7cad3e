package customauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/iotemu/iotemu/internal/awsid"
	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/policy"
)

// Reasons a custom authorizer refuses a client. "If failures occur during
// custom authentication, AWS IoT Core terminates the connection."
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth.html#custom-auth
var (
	errUnknownAuthorizer  = errors.New("unknown authorizer")
	errInactiveAuthorizer = errors.New("authorizer is INACTIVE")
)

// authorizerFor returns the authorizer a request names, or the default
// authorizer when it names none.
func (s *Service) authorizerFor(p presented) (*Authorizer, error) {
	var a *Authorizer
	var apiErr *awsrest.Error
	if p.named() {
		a, apiErr = s.st.Get(p.name)
	} else {
		a, apiErr = s.st.Default()
	}
	if apiErr != nil {
		return nil, fmt.Errorf("%w: %q", errUnknownAuthorizer, p.name)
	}
	if a.Status != Active {
		return nil, fmt.Errorf("%w: %s", errInactiveAuthorizer, a.Name)
	}
	return a, nil
}

// attempt is one custom authentication: the authorizer, the event (with
// the token and signatureVerified) and the policy parser, kept to invoke
// the function again at refreshAfterInSeconds.
type attempt struct {
	s     *Service
	a     *Authorizer
	ev    event
	parse func(string) (*policy.Policy, error)
}

// prepare checks the token of one authorizer and its signature (unless
// signing is disabled), filling the event's token and signatureVerified.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-authorizer.html#custom-authorizer
func (s *Service) prepare(a *Authorizer, p presented, ev event, parse func(string) (*policy.Policy, error)) (*attempt, error) {
	tok, ok := "", false
	if a.TokenKeyName != "" {
		tok, ok = p.token(a.TokenKeyName)
	}
	ev.Token = tok
	if !a.SigningDisabled {
		if !ok {
			return nil, fmt.Errorf("%w: no token under %q", ErrBadSignature, a.TokenKeyName)
		}
		if err := verifyTokenSignature(a.keys, tok, p.signature); err != nil {
			return nil, err
		}
		ev.SignatureVerified = true
	}
	ev.ConnectionMetadata.ID = awsid.NewUUID()
	return &attempt{s: s, a: a, ev: ev, parse: parse}, nil
}

// invoke runs the authorizer's function, within Timeout, and validates
// its answer.
func (c *attempt) invoke(ctx context.Context) (*Result, error) {
	body, err := json.Marshal(c.ev)
	if err != nil {
		return nil, fmt.Errorf("marshal authorizer event: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	out, err := c.s.cfg.Invoker.Invoke(ctx, c.a.FunctionARN, body)
	if err != nil {
		return nil, fmt.Errorf("invoke authorizer function %s: %w", c.a.FunctionARN, err)
	}
	return parseResponse(out, c.parse)
}

// isCredentialFailure reports whether a refusal is about the device's
// credentials (bad or missing signature, isAuthenticated false) rather
// than the authorizer (unknown, inactive, failing function, malformed
// answer). MQTT 5 clients get CONNACK 0x86 "Bad User Name or Password"
// for the first and 0x87 "Not authorized" for the second: UNCONFIRMED,
// both plausible (docs/compatibility.md).
func isCredentialFailure(err error) bool {
	return errors.Is(err, ErrBadSignature) || errors.Is(err, ErrNotAuthenticated)
}
