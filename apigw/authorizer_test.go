package apigw_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
)

// policy is the authorizer result of AWS's WS example (generateAllow /
// generateDeny), built with aws-lambda-go's types.
func policy(effect, resource string, ctx map[string]any) events.APIGatewayCustomAuthorizerResponse {
	return events.APIGatewayCustomAuthorizerResponse{
		PrincipalID: "me",
		PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{
			Version:   "2012-10-17",
			Statement: []events.IAMPolicyStatement{{Action: []string{"execute-api:Invoke"}, Effect: effect, Resource: []string{resource}}},
		},
		Context: ctx,
	}
}

// TestAuthorizer: each outcome of a REQUEST authorizer on $connect.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-lambda-auth.html#apigateway-websocket-api-lambda-auth.
func TestAuthorizer(t *testing.T) {
	const arn = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/$connect"
	tests := []struct {
		name       string
		query      string
		handler    any
		want       int
		wantCalled bool
	}{
		{"identity source missing: 401 without a call", "", nil, 401, false},
		{"identity source empty: 401 without a call", "?token=", nil, 401, false},
		{"Unauthorized error: 401", "?token=t", func() (events.APIGatewayCustomAuthorizerResponse, error) {
			return events.APIGatewayCustomAuthorizerResponse{}, errors.New("Unauthorized")
		}, 401, true},
		{"Deny: 403", "?token=t", func() (events.APIGatewayCustomAuthorizerResponse, error) {
			return policy("Deny", arn, nil), nil
		}, 403, true},
		{"Allow not covering $connect (prod/*/*): 403", "?token=t", func() (events.APIGatewayCustomAuthorizerResponse, error) {
			return policy("Allow", "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/*/*", nil), nil
		}, 403, true},
		{"other error: 500", "?token=t", func() (events.APIGatewayCustomAuthorizerResponse, error) {
			return events.APIGatewayCustomAuthorizerResponse{}, errors.New("database down")
		}, 500, true},
		{"object in context: 500", "?token=t", func() (events.APIGatewayCustomAuthorizerResponse, error) {
			return policy("Allow", arn, map[string]any{"o": map[string]any{}}), nil
		}, 500, true},
		{"Allow methodArn: 101", "?token=t", func() (events.APIGatewayCustomAuthorizerResponse, error) {
			return policy("Allow", arn, nil), nil
		}, 101, true},
		{"Allow wildcard: 101", "?token=t", func() (events.APIGatewayCustomAuthorizerResponse, error) {
			return policy("Allow", "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/*", nil), nil
		}, 101, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var called atomic.Bool
			h := tt.handler
			if h == nil {
				h = func() error { return nil }
			}
			inner := apigw.LambdaHandler(h)
			auth := apigw.IntegrationFunc(func(ctx context.Context, ev []byte) ([]byte, error) {
				called.Store(true)
				return inner.Invoke(ctx, ev)
			})
			s := start(t, apigw.Config{APIs: []apigw.API{{ID: "abcdef1234", Stage: "prod",
				Authorizer: &apigw.Authorizer{Name: "auth", Integration: auth, IdentitySource: []string{"route.request.querystring.token"}},
			}}})
			if got := dialStatus(t, s, "/prod"+tt.query, nil); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
			if called.Load() != tt.wantCalled {
				t.Errorf("authorizer called: got %v, want %v", called.Load(), tt.wantCalled)
			}
		})
	}
}

// TestAuthorizerContext: the authorizer gets AWS's REQUEST input, and its
// principalId and context reach CONNECT, MESSAGE and DISCONNECT events.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-lambda-auth.html#apigateway-websocket-api-lambda-auth, https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html#api-gateway-lambda-authorizer-output.
func TestAuthorizerContext(t *testing.T) {
	input := make(chan events.APIGatewayCustomAuthorizerRequestTypeRequest, 1)
	authorizer := func(ev events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		input <- ev
		return policy("Allow", ev.MethodArn, map[string]any{"stringKey": "value", "numberKey": 1, "booleanKey": true}), nil
	}
	rec := newRecorder()
	s := start(t, apigw.Config{Region: "eu-west-1", AccountID: "111122223333", APIs: []apigw.API{{ID: "abcdef1234", Stage: "prod",
		Authorizer: &apigw.Authorizer{Integration: apigw.LambdaHandler(authorizer), IdentitySource: []string{"route.request.header.HeaderAuth1"}},
		Routes:     []apigw.Route{{Key: "$connect", Integration: rec}, {Key: "$default", Integration: rec}, {Key: "$disconnect", Integration: rec}},
	}}})
	ws := dial(t, s, "/prod?QueryString1=queryValue1", http.Header{"HeaderAuth1": {"headerValue1"}})
	in := <-input
	checks := []struct {
		name      string
		got, want any
	}{
		{"type", in.Type, "REQUEST"},
		{"methodArn", in.MethodArn, "arn:aws:execute-api:eu-west-1:111122223333:abcdef1234/prod/$connect"},
		{"HeaderAuth1", in.Headers["Headerauth1"], "headerValue1"},
		{"Connection kept", in.Headers["Connection"], "Upgrade"},
		{"Upgrade kept", in.Headers["Upgrade"], "websocket"},
		{"content-length", in.Headers["content-length"], "0"},
		{"query", in.QueryStringParameters["QueryString1"], "queryValue1"},
		{"stageVariables", len(in.StageVariables), 0},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: got %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	send(t, ws, "hello")
	_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1000, "bye"))
	for _, wantType := range []string{"CONNECT", "MESSAGE", "DISCONNECT"} {
		ev := rec.next(t)
		a, _ := rc(ev)["authorizer"].(map[string]any)
		if rc(ev)["eventType"] != wantType || a["principalId"] != "me" || a["stringKey"] != "value" || a["numberKey"] != 1.0 || a["booleanKey"] != true {
			t.Errorf("%s: got authorizer %v", wantType, a)
		}
	}
}
