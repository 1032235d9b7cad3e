package emulator_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

const apiFixtures = `
apis:
  - name: dashboard
    stage: prod
    authorizer:
      function: auth
      identitySource: [route.request.querystring.token]
    routes:
      - key: $connect
        integration: {function: connect}
      - key: hello
        routeResponseSelectionExpression: $default
        integration: {mock: {body: "hello from the fixture"}}
`

// TestAPIGatewayFromFixtures: an API from the fixtures file, with functions
// registered through testkit, served on the emulator's API Gateway port,
// listed by /health, and posted to with the SDK.
func TestAPIGatewayFromFixtures(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "apis.yaml")
	if err := os.WriteFile(path, []byte(apiFixtures), 0o600); err != nil {
		t.Fatal(err)
	}
	connected := make(chan string, 1)
	emu := testkit.Start(t, testkit.WithFixtures(path),
		testkit.WithLambda("auth", func(ev events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
			return events.APIGatewayCustomAuthorizerResponse{PrincipalID: "dash", PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{
				Version: "2012-10-17", Statement: []events.IAMPolicyStatement{{Action: []string{"execute-api:Invoke"}, Effect: "Allow", Resource: []string{ev.MethodArn}}},
			}}, nil
		}),
		testkit.WithLambda("connect", func(ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
			connected <- ev.RequestContext.ConnectionID
			return events.APIGatewayProxyResponse{StatusCode: 200}, nil
		}),
	)
	if _, resp, err := websocket.DefaultDialer.Dial(emu.WebSocketAPIURL("prod"), nil); err == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without token: got %v, want 401", err)
	}
	ws, _, err := websocket.DefaultDialer.Dial(emu.WebSocketAPIURL("prod")+"?token=t", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	id := <-connected

	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"hello"}`))
	if _, got, err := ws.ReadMessage(); err != nil || string(got) != "hello from the fixture" {
		t.Fatalf("two-way mock: got %q, %v", got, err)
	}
	client := apigatewaymanagementapi.New(apigatewaymanagementapi.Options{
		Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""),
		BaseEndpoint: aws.String(emu.ConnectionsEndpoint("prod")),
	})
	if _, err := client.PostToConnection(context.Background(), &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: &id, Data: []byte("pushed")}); err != nil {
		t.Fatal(err)
	}
	if _, got, err := ws.ReadMessage(); err != nil || string(got) != "pushed" {
		t.Fatalf("post: got %q, %v", got, err)
	}

	resp, err := http.Get(emu.Endpoint() + "/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var h struct{ Endpoints struct{ APIGateway string } }
	if err := json.Unmarshal(body, &h); err != nil || !strings.HasPrefix(h.Endpoints.APIGateway, "ws://127.0.0.1:") {
		t.Errorf("/health: got %s", body)
	}
}

// TestAPIGatewayDisabled: with the listener off, the Go API still works.
func TestAPIGatewayDisabled(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) { c.APIGateway.Disabled = true }))
	if got := emu.Server().Endpoints().APIGateway; got != "" {
		t.Errorf("got %q, want no endpoint", got)
	}
	if n := len(emu.APIGateway().Connections()); n != 0 {
		t.Errorf("got %d connections", n)
	}
}
