package apigw

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Integration is a route's backend, shaped like a Lambda function: it gets
// the event as JSON and returns the function's result as JSON (for a proxy
// integration, {"statusCode":…,"headers":…,"body":…}). An error is an
// integration failure: a function error, a timeout, an unreachable backend.
type Integration interface {
	Invoke(ctx context.Context, event []byte) ([]byte, error)
}

// IntegrationFunc adapts a function to Integration.
type IntegrationFunc func(ctx context.Context, event []byte) ([]byte, error)

// Invoke calls f.
func (f IntegrationFunc) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	return f(ctx, event)
}

// ErrMalformedResponse reports an integration result that is not a Lambda
// proxy response.
var ErrMalformedResponse = errors.New("malformed Lambda proxy response")

// ProxyResponse is a Lambda proxy integration's result.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format (aws-lambda-go events.APIGatewayProxyResponse).
type ProxyResponse struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers,omitempty"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders,omitempty"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded,omitempty"`
}

// parseProxyResponse reads a proxy result strictly: a JSON object with no
// keys but the five of the proxy format; null (a handler returning nothing)
// is an empty response. AWS: docs/compatibility.md "API Gateway WebSocket mimic" (middy #1219: extra
// top-level keys give the Internal server error frame).
func parseProxyResponse(b []byte) (*ProxyResponse, error) {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty result", ErrMalformedResponse)
	}
	if string(trimmed) == "null" {
		return &ProxyResponse{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	var r ProxyResponse
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedResponse, err)
	}
	return &r, nil
}

// header returns the response header name, from either map, matched
// case-insensitively.
func (r *ProxyResponse) header(name string) (string, bool) {
	for k, v := range r.Headers {
		if equalFold(k, name) {
			return v, true
		}
	}
	for k, v := range r.MultiValueHeaders {
		if equalFold(k, name) && len(v) > 0 {
			return v[len(v)-1], true
		}
	}
	return "", false
}

func equalFold(a, b string) bool { return bytes.EqualFold([]byte(a), []byte(b)) }

// invoke marshals ev, calls in under the integration timeout and returns
// the raw result.
func (s *Server) invoke(ctx context.Context, in Integration, ev any) ([]byte, error) {
	payload, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("marshal event: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Limits.IntegrationTimeout)
	defer cancel()
	out, err := in.Invoke(ctx, payload)
	if err != nil {
		return nil, fmt.Errorf("invoke integration: %w", err)
	}
	return out, nil
}
