package testkit

import (
	"strings"

	"github.com/iotemu/iotemu/apigw"
)

// WithWebSocketAPI serves an API Gateway WebSocket API on the emulator's
// API Gateway port, at /{api.Stage} (default "prod").
func WithWebSocketAPI(api apigw.API) Option {
	return func(s *settings) {
		s.config.APIGatewayAPIs.APIs = append(s.config.APIGatewayAPIs.APIs, api)
	}
}

// WithLambda registers an in-process Lambda handler (anything lambda.Start
// accepts) under a function name or ARN; apigw.Function(name) integrations
// and fixtures' function integrations run it.
func WithLambda(function string, handler any) Option {
	return func(s *settings) {
		if s.config.APIGatewayAPIs.Functions == nil {
			s.config.APIGatewayAPIs.Functions = map[string]any{}
		}
		s.config.APIGatewayAPIs.Functions[function] = handler
	}
}

// APIGateway returns the API Gateway mimic, to post to connections or list
// them from Go.
func (e *Emulator) APIGateway() *apigw.Server { return e.srv.APIGateway() }

// WebSocketAPIURL returns ws://127.0.0.1:port/{stage}, the URL browsers
// and WebSocket clients connect to.
func (e *Emulator) WebSocketAPIURL(stage string) string {
	return e.srv.Endpoints().APIGateway + "/" + stage
}

// ConnectionsEndpoint returns http://127.0.0.1:port/{stage}, the
// BaseEndpoint of an apigatewaymanagementapi client and the --endpoint-url
// of `aws apigatewaymanagementapi`.
func (e *Emulator) ConnectionsEndpoint(stage string) string {
	return "http" + strings.TrimPrefix(e.srv.Endpoints().APIGateway, "ws") + "/" + stage
}

// WebSocketAPITLSURL returns wss://127.0.0.1:port/{stage}: the API port
// over TLS, with a certificate from the emulator's CA (CAPool).
func (e *Emulator) WebSocketAPITLSURL(stage string) string {
	return e.srv.Endpoints().APIGatewayTLS + "/" + stage
}

// ConnectionsTLSEndpoint returns https://127.0.0.1:port/{stage}, the
// @connections endpoint over TLS (trust CAPool), the one a handler builds
// as AWS documents: "https://" + domainName + "/" + stage.
func (e *Emulator) ConnectionsTLSEndpoint(stage string) string {
	return "https" + strings.TrimPrefix(e.srv.Endpoints().APIGatewayTLS, "wss") + "/" + stage
}
