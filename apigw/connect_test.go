package apigw_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
)

// TestConnectDecidesHandshake: the $connect integration's status code is
// the handshake's; failures are 502; no $connect route accepts.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html#apigateway-websocket-api-routes-about-connect.
func TestConnectDecidesHandshake(t *testing.T) {
	status := func(code int) apigw.Integration {
		return apigw.LambdaHandler(func(context.Context, events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
			return events.APIGatewayProxyResponse{StatusCode: code}, nil
		})
	}
	tests := []struct {
		name string
		in   apigw.Integration // nil: no $connect route
		want int
	}{
		{"no $connect route", nil, 101},
		{"200", status(200), 101},
		{"204", status(204), 101},
		{"400", status(400), 400},
		{"401", status(401), 401},
		{"403", status(403), 403},
		{"500", status(500), 500},
		{"handler error", apigw.LambdaHandler(func() error { return errors.New("boom") }), 502},
		{"handler returns nothing", apigw.LambdaHandler(func() error { return nil }), 502},
		{"malformed result", apigw.IntegrationFunc(func(context.Context, []byte) ([]byte, error) {
			return []byte(`{"statusCode":200,"extra":1}`), nil
		}), 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := apigw.API{Stage: "beta"}
			if tt.in != nil {
				api.Routes = []apigw.Route{{Key: "$connect", Integration: tt.in}}
			}
			s := start(t, apigw.Config{APIs: []apigw.API{api}})
			if got := dialStatus(t, s, "/beta", nil); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

// subprotocolHandler is AWS's documented $connect example, in Go: accept
// only clients offering "myprotocol", and return it.
// AWS: websocket-connect-route-subprotocol.html.
func subprotocolHandler(_ context.Context, ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
	for _, p := range strings.Split(ev.Headers["Sec-WebSocket-Protocol"], ",") {
		if strings.TrimSpace(p) == "myprotocol" {
			return events.APIGatewayProxyResponse{StatusCode: 200, Headers: map[string]string{"Sec-WebSocket-Protocol": "myprotocol"}}, nil
		}
	}
	return events.APIGatewayProxyResponse{StatusCode: 400}, nil
}

// TestSubprotocol: API Gateway echoes only what $connect returns, and
// never picks a protocol itself (wscat -s chat1 gets 400, -s
// chat1,myprotocol connects). AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-connect-route-subprotocol.html#websocket-connect-route-subprotocol.
func TestSubprotocol(t *testing.T) {
	tests := []struct {
		name      string
		handler   any
		compat    apigw.Compat
		protocols []string
		wantCode  int
		wantProto string
	}{
		{"refused", subprotocolHandler, apigw.Compat{}, []string{"chat1"}, 400, ""},
		{"selected by $connect", subprotocolHandler, apigw.Compat{}, []string{"chat1", "myprotocol"}, 101, "myprotocol"},
		{"not returned: none", func() (events.APIGatewayProxyResponse, error) {
			return events.APIGatewayProxyResponse{StatusCode: 200}, nil
		}, apigw.Compat{}, []string{"chat1", "myprotocol"}, 101, ""},
		{"not returned, EchoFirstSubprotocol", func() (events.APIGatewayProxyResponse, error) {
			return events.APIGatewayProxyResponse{StatusCode: 200}, nil
		}, apigw.Compat{EchoFirstSubprotocol: true}, []string{"chat1", "myprotocol"}, 101, "chat1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, apigw.Config{Compat: tt.compat, APIs: []apigw.API{{Stage: "beta",
				Routes: []apigw.Route{{Key: "$connect", Integration: apigw.LambdaHandler(tt.handler)}}}}})
			d := websocket.Dialer{Subprotocols: tt.protocols}
			ws, resp, err := d.Dial(s.URL()+"/beta", nil)
			if tt.wantCode != 101 {
				if err == nil || resp.StatusCode != tt.wantCode {
					t.Fatalf("got %v, want status %d", err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			defer ws.Close()
			if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != tt.wantProto || ws.Subprotocol() != tt.wantProto {
				t.Errorf("got %q, want %q", got, tt.wantProto)
			}
		})
	}
}

var (
	requestTimeRe = regexp.MustCompile(`^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$`)
	awsIDRe       = regexp.MustCompile(`^[A-Za-z0-9_-]{15}=$`)
	traceRe       = regexp.MustCompile(`^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$`)
)

// TestConnectEvent checks the CONNECT event field by field, through the
// aws-lambda-go type a handler written for AWS uses. AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-mapping-template-reference.html#apigateway-websocket-api-mapping-template-reference.
func TestConnectEvent(t *testing.T) {
	got := make(chan events.APIGatewayWebsocketProxyRequest, 1)
	raw := newRecorder()
	s := start(t, apigw.Config{APIs: []apigw.API{{ID: "abcd123456", Stage: "prod", Routes: []apigw.Route{
		{Key: "$connect", Integration: apigw.LambdaHandler(func(ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
			got <- ev
			return events.APIGatewayProxyResponse{StatusCode: 200}, nil
		})},
		{Key: "$default", Integration: raw},
	}}}})
	hdr := http.Header{"User-Agent": {"test-agent/1.0"}, "Origin": {"http://dashboard.local"}}
	dial(t, s, "/prod?token=abc&x=1&x=2", hdr)
	ev := <-got
	c := ev.RequestContext
	host := strings.TrimPrefix(s.URL(), "ws://")
	checks := []struct {
		name      string
		got, want any
	}{
		{"routeKey", c.RouteKey, "$connect"},
		{"eventType", c.EventType, "CONNECT"},
		{"messageDirection", c.MessageDirection, "IN"},
		{"messageId", c.MessageID, nil},
		{"disconnectStatusCode", c.DisconnectStatusCode, int64(0)},
		{"stage", c.Stage, "prod"},
		{"apiId", c.APIID, "abcd123456"},
		{"domainName", c.DomainName, host},
		{"extendedRequestId", c.ExtendedRequestID, c.RequestID},
		{"identity.sourceIp", c.Identity.SourceIP, "127.0.0.1"},
		{"identity.userAgent", c.Identity.UserAgent, "test-agent/1.0"},
		{"connectedAt <= requestTimeEpoch", c.ConnectedAt <= c.RequestTimeEpoch && c.RequestTimeEpoch-c.ConnectedAt < 5000, true},
		{"requestTime", requestTimeRe.MatchString(c.RequestTime), true},
		{"connectionId", awsIDRe.MatchString(c.ConnectionID), true},
		{"requestId", awsIDRe.MatchString(c.RequestID), true},
		{"Host", ev.Headers["Host"], host},
		{"Origin", ev.Headers["Origin"], "http://dashboard.local"},
		{"Sec-WebSocket-Key (AWS casing)", ev.Headers["Sec-WebSocket-Key"] != "", true},
		{"Sec-WebSocket-Version", ev.Headers["Sec-WebSocket-Version"], "13"},
		{"no Connection", ev.Headers["Connection"], ""},
		{"no Upgrade", ev.Headers["Upgrade"], ""},
		{"X-Forwarded-For", ev.Headers["X-Forwarded-For"], "127.0.0.1"},
		{"X-Forwarded-Proto", ev.Headers["X-Forwarded-Proto"], "http"},
		{"X-Forwarded-Port", "127.0.0.1:" + ev.Headers["X-Forwarded-Port"], host},
		{"X-Amzn-Trace-Id", traceRe.MatchString(ev.Headers["X-Amzn-Trace-Id"]), true},
		{"multiValueHeaders Host", len(ev.MultiValueHeaders["Host"]), 1},
		{"queryStringParameters token", ev.QueryStringParameters["token"], "abc"},
		{"queryStringParameters x (last)", ev.QueryStringParameters["x"], "2"},
		{"multiValueQueryStringParameters x", strings.Join(ev.MultiValueQueryStringParameters["x"], ","), "1,2"},
		{"body", ev.Body, ""},
		{"isBase64Encoded", ev.IsBase64Encoded, false},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: got %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

// TestConnectEventWithoutQuery: the query keys are absent, not null or {}.
func TestConnectEventWithoutQuery(t *testing.T) {
	rec := newRecorder()
	s := start(t, apigw.Config{APIs: []apigw.API{{Stage: "prod", Routes: []apigw.Route{{Key: "$connect", Integration: rec}}}}})
	dial(t, s, "/prod/", nil)
	ev := rec.next(t)
	for _, k := range []string{"queryStringParameters", "multiValueQueryStringParameters", "body"} {
		if _, ok := ev[k]; ok {
			t.Errorf("%s present, want absent", k)
		}
	}
	for _, k := range []string{"messageId", "disconnectStatusCode", "disconnectReason", "authorizer"} {
		if _, ok := rc(ev)[k]; ok {
			t.Errorf("requestContext.%s present, want absent", k)
		}
	}
	if _, ok := rc(ev)["identity"].(map[string]any)["userAgent"]; !ok {
		t.Error("identity.userAgent absent; gorilla sends Go-http-client/1.1")
	}
}

// TestPostDuringConnectIsGone: a $connect handler posting to its own
// connection gets 410. AWS: knowledge-center/410-gone-api-gateway.
func TestPostDuringConnectIsGone(t *testing.T) {
	var s *apigw.Server
	gotErr := make(chan error, 1)
	s = start(t, apigw.Config{APIs: []apigw.API{{Stage: "prod", Routes: []apigw.Route{{Key: "$connect",
		Integration: apigw.LambdaHandler(func(ctx context.Context, ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
			gotErr <- s.PostToConnection(ctx, ev.RequestContext.ConnectionID, []byte("too early"))
			return events.APIGatewayProxyResponse{StatusCode: 200}, nil
		})}}}}})
	dial(t, s, "/prod", nil)
	if err := <-gotErr; !errors.Is(err, apigw.ErrGone) {
		t.Errorf("got %v, want ErrGone", err)
	}
}

func TestUnknownStage(t *testing.T) {
	s := start(t, apigw.Config{APIs: []apigw.API{{Stage: "prod"}}})
	if got := dialStatus(t, s, "/dev", nil); got != http.StatusForbidden {
		t.Errorf("got %d, want 403", got)
	}
}
