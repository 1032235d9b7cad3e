package emulator

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
// AWS: config-custom-auth.html "Defining your Lambda function" (broker.md
// §5.5 "Lambda response").
const (
	maxAuthPolicyDocuments = 10
	minAuthTTLSeconds      = 300
	maxAuthTTLSeconds      = 86400
)

var principalIDPattern = regexp.MustCompile(`^[a-zA-Z0-9]{1,128}$`)

// errMalformedResponse: the function's answer breaks the response rules.
var errMalformedResponse = errors.New("malformed authorizer response")

// errNotAuthenticated: the function answered isAuthenticated false.
var errNotAuthenticated = errors.New("authorizer answered isAuthenticated false")

// authorizerResponse is the function's answer as sent.
type authorizerResponse struct {
	IsAuthenticated          *bool             `json:"isAuthenticated"`
	PrincipalID              *string           `json:"principalId"`
	PolicyDocuments          []json.RawMessage `json:"policyDocuments"`
	DisconnectAfterInSeconds *int64            `json:"disconnectAfterInSeconds"`
	RefreshAfterInSeconds    *int64            `json:"refreshAfterInSeconds"`
}

// authorizerResult is a valid, authenticated answer.
type authorizerResult struct {
	principalID string
	documents   []string // the policy documents as JSON text
	policies    []*policy.Policy
	// disconnectAfter and refreshAfter are in seconds; 0: not given.
	disconnectAfter, refreshAfter int64
}

// parseAuthorizerResponse validates a function's result. A document may
// be a JSON object or a string holding one (TestInvokeAuthorizer shows
// them as strings); each is parsed by the policy package, which applies
// AWS's 2,048-character limit.
func parseAuthorizerResponse(out []byte, parse func(string) (*policy.Policy, error)) (*authorizerResult, error) {
	var r authorizerResponse
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("%w: %w", errMalformedResponse, err)
	}
	switch {
	case r.IsAuthenticated == nil:
		return nil, fmt.Errorf("%w: isAuthenticated is missing", errMalformedResponse)
	case !*r.IsAuthenticated:
		return nil, errNotAuthenticated
	case r.PrincipalID == nil || !principalIDPattern.MatchString(*r.PrincipalID):
		return nil, fmt.Errorf("%w: principalId must match [a-zA-Z0-9]{1,128}", errMalformedResponse)
	case len(r.PolicyDocuments) > maxAuthPolicyDocuments:
		return nil, fmt.Errorf("%w: %d policy documents, at most %d", errMalformedResponse, len(r.PolicyDocuments), maxAuthPolicyDocuments)
	}
	res := &authorizerResult{principalID: *r.PrincipalID}
	var err error
	if res.disconnectAfter, err = authTTL("disconnectAfterInSeconds", r.DisconnectAfterInSeconds); err != nil {
		return nil, err
	}
	if res.refreshAfter, err = authTTL("refreshAfterInSeconds", r.RefreshAfterInSeconds); err != nil {
		return nil, err
	}
	for i, raw := range r.PolicyDocuments {
		doc, err := policyDocumentText(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: policyDocuments[%d]: %w", errMalformedResponse, i, err)
		}
		p, err := parse(doc)
		if err != nil {
			return nil, fmt.Errorf("%w: policyDocuments[%d]: %w", errMalformedResponse, i, err)
		}
		res.documents = append(res.documents, doc)
		res.policies = append(res.policies, p)
	}
	return res, nil
}

// authTTL checks a disconnect or refresh period: absent, or 300–86,400.
// 0 counts as absent (UNCONFIRMED): aws-lambda-go's
// events.IoTCoreCustomAuthorizerResponse always sends both members, 0
// when the handler sets none.
func authTTL(name string, v *int64) (int64, error) {
	if v == nil || *v == 0 {
		return 0, nil
	}
	if *v < minAuthTTLSeconds || *v > maxAuthTTLSeconds {
		return 0, fmt.Errorf("%w: %s %d is not between %d and %d", errMalformedResponse, name, *v, minAuthTTLSeconds, maxAuthTTLSeconds)
	}
	return *v, nil
}

// policyDocumentText returns a document given as an object or a string.
func policyDocumentText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
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
