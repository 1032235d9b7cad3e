package apigwv2_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/internal/apigwv2"
	"github.com/iotemu/iotemu/lambdafn"
)

const waitFor = 5 * time.Second

// liveServer is an API Gateway mimic whose functions are in-process
// Lambda handlers, run by one lambdafn.Invoker as in the emulator.
func liveServer(t *testing.T, handlers map[string]any) *apigw.Server {
	t.Helper()
	reg := lambdafn.New(lambdafn.Config{})
	for name, h := range handlers {
		if err := reg.Register(name, h); err != nil {
			t.Fatalf("Register %s: %v", name, err)
		}
	}
	srv, err := apigw.New(apigw.Config{Functions: lambdafn.NewInvoker(lambdafn.InvokerConfig{Functions: reg})})
	if err != nil {
		t.Fatalf("apigw.New: %v", err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv
}

func lambdaURI(fn string) string {
	return "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:" + fn + "/invocations"
}

// An API declared through the SDK — a $connect Lambda behind a REQUEST
// authorizer, a two-way MOCK $default, a two-way Lambda route, an
// autoDeploy stage — is live on the mimic: a client connects with a token
// and exchanges messages; a later route change reaches the open connection.
func TestEndToEndWebSocket(t *testing.T) {
	srv := liveServer(t, map[string]any{
		"auth": func(ev events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
			effect := "Deny"
			if ev.QueryStringParameters["token"] == "secret" {
				effect = "Allow"
			}
			return events.APIGatewayCustomAuthorizerResponse{PrincipalID: "me", PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{
				Version: "2012-10-17", Statement: []events.IAMPolicyStatement{{Action: []string{"execute-api:Invoke"}, Effect: effect, Resource: []string{ev.MethodArn}}},
			}}, nil
		},
		"onConnect": func(ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
			return events.APIGatewayProxyResponse{StatusCode: 200}, nil
		},
		"echo": func(ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
			return events.APIGatewayProxyResponse{StatusCode: 200, Body: "echo " + ev.StageVariables["greeting"] + " " + ev.Body}, nil
		},
	})
	f := newFixture(t, apigwv2.Config{Installer: srv, Endpoint: func(string) string { return srv.URL() }})
	c := f.c
	api := f.wsAPI(t, "chat")
	apiID := aws.ToString(api.ApiId)
	if aws.ToString(api.ApiEndpoint) != srv.URL() {
		t.Errorf("apiEndpoint %q, want %q", aws.ToString(api.ApiEndpoint), srv.URL())
	}
	if _, err := c.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: &apiID, StageName: aws.String("live"), AutoDeploy: aws.Bool(true), StageVariables: map[string]string{"greeting": "hi"}}); err != nil {
		t.Fatalf("CreateStage: %v", err)
	}
	auth := f.authorizer(t, apiID)
	connect := f.lambdaIntegration(t, apiID, "onConnect")
	if _, err := c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: &apiID, RouteKey: aws.String("$connect"), Target: aws.String("integrations/" + connect), AuthorizationType: types.AuthorizationTypeCustom, AuthorizerId: &auth}); err != nil {
		t.Fatalf("CreateRoute $connect: %v", err)
	}
	mock := f.mockIntegration(t, apiID)
	if _, err := c.CreateIntegrationResponse(ctx, &apigatewayv2.CreateIntegrationResponseInput{ApiId: &apiID, IntegrationId: &mock, IntegrationResponseKey: aws.String("$default"), ResponseTemplates: map[string]string{"$default": `{"from":"mock"}`}}); err != nil {
		t.Fatalf("CreateIntegrationResponse: %v", err)
	}
	f.twoWayRoute(t, apiID, "$default", mock)
	f.twoWayRoute(t, apiID, "echo", f.lambdaIntegration(t, apiID, "echo"))

	stageURL := aws.ToString(api.ApiEndpoint) + "/live"
	if status := dialStatus(t, stageURL+"?token=wrong"); status != http.StatusForbidden {
		t.Errorf("wrong token: status %d, want 403", status)
	}
	if status := dialStatus(t, stageURL); status != http.StatusUnauthorized {
		t.Errorf("no token: status %d, want 401", status)
	}
	ws := dial(t, stageURL+"?token="+url.QueryEscape("secret"))
	if got := exchange(t, ws, `{"action":"nothing"}`); got != `{"from":"mock"}` {
		t.Errorf("$default answered %q", got)
	}
	if got := exchange(t, ws, `{"action":"echo"}`); got != `echo hi {"action":"echo"}` {
		t.Errorf("echo answered %q", got)
	}

	// A change of the API redeploys the autoDeploy stage under the open connection.
	routes, err := c.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: &apiID})
	if err != nil {
		t.Fatalf("GetRoutes: %v", err)
	}
	for _, rt := range routes.Items {
		if aws.ToString(rt.RouteKey) == "echo" {
			if _, err := c.UpdateRoute(ctx, &apigatewayv2.UpdateRouteInput{ApiId: &apiID, RouteId: rt.RouteId, RouteKey: aws.String("shout")}); err != nil {
				t.Fatalf("UpdateRoute: %v", err)
			}
		}
	}
	if got := exchange(t, ws, `{"action":"shout"}`); !strings.HasPrefix(got, "echo hi") {
		t.Errorf("renamed route answered %q", got)
	}
	if got := exchange(t, ws, `{"action":"echo"}`); got != `{"from":"mock"}` {
		t.Errorf("old route key answered %q, want the $default", got)
	}

	// Deleting the stage takes it down: the connection closes with 1001.
	if _, err := c.DeleteStage(ctx, &apigatewayv2.DeleteStageInput{ApiId: &apiID, StageName: aws.String("live")}); err != nil {
		t.Fatalf("DeleteStage: %v", err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(waitFor))
	if _, _, err := ws.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Errorf("after DeleteStage: %v, want close 1001", err)
	}
}

func (f *fixture) lambdaIntegration(t *testing.T, apiID, fn string) string {
	t.Helper()
	out, err := f.c.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{ApiId: &apiID, IntegrationType: types.IntegrationTypeAwsProxy, IntegrationUri: aws.String(lambdaURI(fn))})
	if err != nil {
		t.Fatalf("CreateIntegration %s: %v", fn, err)
	}
	return aws.ToString(out.IntegrationId)
}

// twoWayRoute creates a route with a $default route response.
func (f *fixture) twoWayRoute(t *testing.T, apiID, key, integrationID string) {
	t.Helper()
	rt, err := f.c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: &apiID, RouteKey: &key, Target: aws.String("integrations/" + integrationID), RouteResponseSelectionExpression: aws.String("$default")})
	if err != nil {
		t.Fatalf("CreateRoute %s: %v", key, err)
	}
	if _, err := f.c.CreateRouteResponse(ctx, &apigatewayv2.CreateRouteResponseInput{ApiId: &apiID, RouteId: rt.RouteId, RouteResponseKey: aws.String("$default")}); err != nil {
		t.Fatalf("CreateRouteResponse %s: %v", key, err)
	}
}

func dial(t *testing.T, u string) *websocket.Conn {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", u, err, status)
	}
	t.Cleanup(func() { _ = ws.Close() })
	return ws
}

func dialStatus(t *testing.T, u string) int {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(u, nil)
	if err == nil {
		_ = ws.Close()
		return http.StatusSwitchingProtocols
	}
	if resp == nil {
		t.Fatalf("dial %s: %v", u, err)
	}
	return resp.StatusCode
}

func exchange(t *testing.T, ws *websocket.Conn, msg string) string {
	t.Helper()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatalf("write: %v", err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(waitFor))
	_, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(b)
}
