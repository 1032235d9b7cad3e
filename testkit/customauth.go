package testkit

import (
	"net/url"

	"github.com/iotemu/iotemu/fixtures"
)

// WithAuthorizer declares an IoT custom authorizer whose function is
// handler, an in-process Lambda handler (anything lambda.Start accepts,
// such as func(context.Context, events.IoTCoreCustomAuthorizerRequest)
// (events.IoTCoreCustomAuthorizerResponse, error)), registered under
// a.AuthorizerFunctionArn (default: the authorizer's name). Custom
// authorizers authenticate clients in strict mode (WithStrictAuth).
func WithAuthorizer(a fixtures.Authorizer, handler any) Option {
	if a.AuthorizerFunctionArn == "" {
		a.AuthorizerFunctionArn = a.Name
	}
	return func(s *settings) {
		WithLambda(a.AuthorizerFunctionArn, handler)(s)
		s.fixtures.Authorizers = append(s.fixtures.Authorizers, a)
	}
}

// CustomAuthUsername is the MQTT user name that presents a token to a
// custom authorizer: base?x-amz-customauthorizer-name=authorizer&
// tokenKey=token, URL-encoded; extra is appended as more query
// parameters (x-amz-customauthorizer-signature, SDK metrics...).
// AWS: custom-auth.html.
func CustomAuthUsername(base, authorizer, tokenKey, token string, extra url.Values) string {
	q := url.Values{"x-amz-customauthorizer-name": {authorizer}}
	if tokenKey != "" {
		q.Set(tokenKey, token)
	}
	for k, vs := range extra {
		q[k] = vs
	}
	return base + "?" + q.Encode()
}
