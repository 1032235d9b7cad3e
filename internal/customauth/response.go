package customauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/iotemu/iotemu/policy"
)

// The rules of an authorizer function's response.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth-lambda.html#custom-auth-lambda
const (
	maxPolicyDocuments = 10
	minTTLSeconds      = 300
	maxTTLSeconds      = 86400
)

var principalIDPattern = regexp.MustCompile(`^[a-zA-Z0-9]{1,128}$`)

// ErrMalformedResponse: the function's answer breaks the response rules.
var ErrMalformedResponse = errors.New("malformed authorizer response")

// ErrNotAuthenticated: the function answered isAuthenticated false.
var ErrNotAuthenticated = errors.New("authorizer answered isAuthenticated false")

// response is the function's answer as sent.
type response struct {
	IsAuthenticated          *bool             `json:"isAuthenticated"`
	PrincipalID              *string           `json:"principalId"`
	PolicyDocuments          []json.RawMessage `json:"policyDocuments"`
	DisconnectAfterInSeconds *int64            `json:"disconnectAfterInSeconds"`
	RefreshAfterInSeconds    *int64            `json:"refreshAfterInSeconds"`
}

// Result is a valid, authenticated answer.
type Result struct {
	PrincipalID     string
	PolicyDocuments []string // the policy documents as JSON text
	policies        []*policy.Policy
	// DisconnectAfter and RefreshAfter are in seconds; 0: not given.
	DisconnectAfter, RefreshAfter int64
}

// parseResponse validates a function's result. A document may be a JSON
// object or a string holding one (TestInvokeAuthorizer shows them as
// strings); each is parsed by the policy package, which applies AWS's
// 2,048-character limit.
func parseResponse(out []byte, parse func(string) (*policy.Policy, error)) (*Result, error) {
	var r response
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedResponse, err)
	}
	switch {
	case r.IsAuthenticated == nil:
		return nil, fmt.Errorf("%w: isAuthenticated is missing", ErrMalformedResponse)
	case !*r.IsAuthenticated:
		return nil, ErrNotAuthenticated
	case r.PrincipalID == nil || !principalIDPattern.MatchString(*r.PrincipalID):
		return nil, fmt.Errorf("%w: principalId must match [a-zA-Z0-9]{1,128}", ErrMalformedResponse)
	case len(r.PolicyDocuments) > maxPolicyDocuments:
		return nil, fmt.Errorf("%w: %d policy documents, at most %d", ErrMalformedResponse, len(r.PolicyDocuments), maxPolicyDocuments)
	}
	res := &Result{PrincipalID: *r.PrincipalID}
	var err error
	if res.DisconnectAfter, err = ttl("disconnectAfterInSeconds", r.DisconnectAfterInSeconds); err != nil {
		return nil, err
	}
	if res.RefreshAfter, err = ttl("refreshAfterInSeconds", r.RefreshAfterInSeconds); err != nil {
		return nil, err
	}
	for i, raw := range r.PolicyDocuments {
		doc, err := policyDocumentText(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: policyDocuments[%d]: %w", ErrMalformedResponse, i, err)
		}
		p, err := parse(doc)
		if err != nil {
			return nil, fmt.Errorf("%w: policyDocuments[%d]: %w", ErrMalformedResponse, i, err)
		}
		res.PolicyDocuments = append(res.PolicyDocuments, doc)
		res.policies = append(res.policies, p)
	}
	return res, nil
}

// ttl checks a disconnect or refresh period: absent, or 300–86,400.
// 0 counts as absent (UNCONFIRMED): aws-lambda-go's
// events.IoTCoreCustomAuthorizerResponse always sends both members, 0
// when the handler sets none.
func ttl(name string, v *int64) (int64, error) {
	if v == nil || *v == 0 {
		return 0, nil
	}
	if *v < minTTLSeconds || *v > maxTTLSeconds {
		return 0, fmt.Errorf("%w: %s %d is not between %d and %d", ErrMalformedResponse, name, *v, minTTLSeconds, maxTTLSeconds)
	}
	return *v, nil
}

// policyDocumentText returns a document given as an object or a string.
func policyDocumentText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("policy document string: %w", err)
		}
		return s, nil
	}
	if len(raw) == 0 || raw[0] != '{' {
		return "", errors.New("not a policy document object or string")
	}
	return string(raw), nil
}

// deadline returns now + n authorizer seconds (zero time when n is 0).
func deadline(now time.Time, n int64, second time.Duration) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return now.Add(time.Duration(n) * second)
}
