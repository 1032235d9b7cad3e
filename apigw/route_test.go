package apigw_test

import (
	"context"
	"errors"
	"testing"

	"github.com/iotemu/iotemu/apigw"
)

// echoKey is a two-way mock answering its route key.
func echoKey(key string) apigw.Route {
	return apigw.Route{Key: key, TwoWay: true, Integration: apigw.Mock{Body: "route " + key}}
}

// TestRouteSelection runs AWS's documented selection examples, and the
// inferred stringification rules, through a real connection.
// AWS: apigateway-websocket-api-selection-expressions.html (worked example).
func TestRouteSelection(t *testing.T) {
	chat := `{"service":"chat","action":"join","data":{"room":"room1234"}}`
	tests := []struct {
		expr, msg, want string
	}{
		{`$request.body.action`, chat, "route join"},
		{`${request.body.action}`, chat, "route join"},
		{`${request.body.service}/${request.body.action}`, chat, "route chat/join"},
		{`${request.body.action}-${request.body.invalidPath}`, chat, "route join-"},
		{`action`, chat, "route action"},
		{`\$default`, chat, "route $default"},
		{`$request.body.data.room`, chat, "route room1234"},
		{`$request.body.service.do`, `{"service":{"do":"echo"}}`, "route echo"},
		{`$request.body.n`, `{"n":42}`, "route 42"},
		{`$request.body.b`, `{"b":true}`, "route true"},
		{`$request.body.a`, `{"a":["item1","item2"]}`, "route [item1, item2]"},
		{`$request.body.items[1]`, `{"items":["x","y"]}`, "route y"},
		{`$request.body.action`, `not json`, "route $default"},
		{`$request.body.action`, `{"action":"unknown"}`, "route $default"},
		{`$request.body.action`, `{"action":"$connect"}`, "route $default"},
		{`$request.body.action`, `{"action":"JOIN"}`, "route $default"}, // exact, case-sensitive
	}
	for _, tt := range tests {
		t.Run(tt.expr+" "+tt.msg, func(t *testing.T) {
			s := start(t, apigw.Config{APIs: []apigw.API{{
				ID: "abcdef1234", Stage: "test", RouteSelectionExpression: tt.expr,
				Routes: []apigw.Route{
					echoKey("$default"), echoKey("join"), echoKey("chat/join"), echoKey("join-"),
					echoKey("action"), echoKey("room1234"), echoKey("echo"), echoKey("42"),
					echoKey("true"), echoKey("[item1, item2]"), echoKey("y"),
				},
			}}})
			ws := dial(t, s, "/test", nil)
			send(t, ws, tt.msg)
			if got := next(t, ws); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSelectionExpressionErrors(t *testing.T) {
	for _, expr := range []string{`$request.header.x`, `${request.body.a`, `$context.routeKey`, `$request.body.`} {
		_, err := apigw.New(apigw.Config{APIs: []apigw.API{{RouteSelectionExpression: expr}}})
		if err == nil {
			t.Errorf("%s: got nil, want an error", expr)
		}
	}
}

// TestForbiddenFrame: no matching route and no $default sends AWS's exact
// frame and keeps the connection open. AWS: docs/compatibility.md "API Gateway WebSocket mimic".
func TestForbiddenFrame(t *testing.T) {
	ids := &seqIDs{}
	s := start(t, apigw.Config{NewID: ids.next, APIs: []apigw.API{{
		ID: "abcdef1234", Stage: "prod", Routes: []apigw.Route{echoKey("join")},
	}}})
	ws := dial(t, s, "/prod", nil)
	send(t, ws, "hi")
	want := `{"message": "Forbidden", "connectionId":"conn00000000001=", "requestId":"req000000000001="}`
	if got := next(t, ws); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	send(t, ws, `{"action":"join"}`)
	if got := next(t, ws); got != "route join" {
		t.Errorf("after Forbidden: got %q, want the connection still routing", got)
	}
}

// TestInternalServerErrorFrame: a failing integration on a one-way or
// two-way route sends AWS's exact frame with the message's requestId.
// AWS: docs/compatibility.md "API Gateway WebSocket mimic".
func TestInternalServerErrorFrame(t *testing.T) {
	tests := []struct {
		name   string
		in     apigw.Integration
		twoWay bool
	}{
		{"handler error", apigw.LambdaHandler(func(context.Context) error { return errors.New("boom") }), false},
		{"handler panic", apigw.LambdaHandler(func(context.Context) error { panic("boom") }), true},
		{"extra top-level keys (middy #1219)", apigw.IntegrationFunc(func(context.Context, []byte) ([]byte, error) {
			return []byte(`{"ConnectionId":"x","Data":"y","statusCode":200}`), nil
		}), true},
		{"not JSON", apigw.IntegrationFunc(func(context.Context, []byte) ([]byte, error) {
			return []byte(`Task timed out after 3.00 seconds`), nil
		}), false},
		{"missing function", apigw.Function("nope"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids := &seqIDs{}
			s := start(t, apigw.Config{NewID: ids.next, APIs: []apigw.API{{
				Stage: "prod", Routes: []apigw.Route{{Key: "$default", Integration: tt.in, TwoWay: tt.twoWay}},
			}}})
			ws := dial(t, s, "/prod", nil)
			send(t, ws, `{"action":"x"}`)
			want := `{"message": "Internal server error", "connectionId":"conn00000000001=", "requestId":"req000000000001="}`
			if got := next(t, ws); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

// TestTwoWay: the body comes back only on two-way routes, whatever the
// status code. AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-response.html#apigateway-websocket-api-route-response.
func TestTwoWay(t *testing.T) {
	handler := func(_ context.Context, ev struct {
		Body string `json:"body"`
	}) (map[string]any, error) {
		return map[string]any{"statusCode": 500, "body": "echo " + ev.Body}, nil
	}
	oneWay := newRecorder()
	s := start(t, apigw.Config{APIs: []apigw.API{{
		Stage: "prod",
		Routes: []apigw.Route{
			{Key: "two", Integration: apigw.LambdaHandler(handler), TwoWay: true},
			{Key: "one", Integration: oneWay},
		},
	}}})
	ws := dial(t, s, "/prod", nil)
	send(t, ws, `{"action":"one"}`)
	oneWay.next(t)
	send(t, ws, `{"action":"two"}`)
	if got, want := next(t, ws), `echo {"action":"two"}`; got != want {
		t.Errorf("got %q, want %q (and nothing from the one-way route before it)", got, want)
	}
}
