package emulator_test

import (
	"context"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/testkit"
)

// TestAPIGatewayV2AWSCLI declares a WebSocket API with the AWS CLI's
// apigatewayv2 commands against the API Gateway port (as a user points
// --endpoint-url at it), with an AWS_PROXY integration whose Lambda runs in
// process; the stage with autoDeploy is live at once, and a WebSocket
// client's message reaches the function and its answer comes back.
func TestAPIGatewayV2AWSCLI(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithLambda("echo", func(ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
		return events.APIGatewayProxyResponse{StatusCode: 200, Body: "echo " + ev.Body}, nil
	}))
	apiPort := "http://" + strings.TrimPrefix(emu.Server().Endpoints().APIGateway, "ws://")
	aws := func(args ...string) map[string]any {
		t.Helper()
		return cliJSONAt(t, apiPort, args...)
	}
	api := aws("apigatewayv2", "create-api", "--name", "chat", "--protocol-type", "WEBSOCKET",
		"--route-selection-expression", "$request.body.action")
	apiID := api["ApiId"].(string)
	if got := api["ApiEndpoint"]; got != emu.Server().Endpoints().APIGateway {
		t.Errorf("ApiEndpoint %v, want the API port %s", got, emu.Server().Endpoints().APIGateway)
	}
	integ := aws("apigatewayv2", "create-integration", "--api-id", apiID, "--integration-type", "AWS_PROXY",
		"--integration-uri", "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:echo/invocations")
	route := aws("apigatewayv2", "create-route", "--api-id", apiID, "--route-key", "$default",
		"--target", "integrations/"+integ["IntegrationId"].(string), "--route-response-selection-expression", "$default")
	aws("apigatewayv2", "create-route-response", "--api-id", apiID, "--route-id", route["RouteId"].(string), "--route-response-key", "$default")
	aws("apigatewayv2", "create-stage", "--api-id", apiID, "--stage-name", "live", "--auto-deploy")

	ws, _, err := websocket.DefaultDialer.Dial(api["ApiEndpoint"].(string)+"/live", nil)
	if err != nil {
		t.Fatalf("dial the stage the CLI created: %v", err)
	}
	defer ws.Close()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"hi"}`)); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, got, err := ws.ReadMessage()
	if err != nil || string(got) != `echo {"action":"hi"}` {
		t.Fatalf("answer %q, %v; want the function's echo", got, err)
	}

	// The same control plane answers on the HTTP port; an unknown API is
	// AWS's NotFoundException.
	out, err := runAWSAt(t, emu.Endpoint(), "apigatewayv2", "get-api", "--api-id", "nosuchapi1")
	if err == nil || !strings.Contains(out, "NotFoundException") {
		t.Errorf("get-api of an unknown API: %v\n%s", err, out)
	}
	// An apigatewayv2 operation iotemu does not emulate says so, by name.
	out, err = runAWSAt(t, apiPort, "apigatewayv2", "create-domain-name", "--domain-name", "ws.example.com")
	if err == nil || !strings.Contains(out, "NotImplementedException") || !strings.Contains(out, "apigatewayv2:CreateDomainName") {
		t.Errorf("create-domain-name: %v\n%s", err, out)
	}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, emu.Endpoint()+"/v2/apis/"+apiID, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("GET /v2/apis/%s on the HTTP port: %v %v", apiID, resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
}

// runAWSAt runs the AWS CLI against endpoint.
func runAWSAt(t *testing.T, endpoint string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(awsCLI(t), append(args, "--endpoint-url", endpoint, "--output", "json")...)
	cmd.Env = awsEnv()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// cliJSONAt runs the AWS CLI against endpoint and decodes its output.
func cliJSONAt(t *testing.T, endpoint string, args ...string) map[string]any {
	t.Helper()
	out, err := runAWSAt(t, endpoint, args...)
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return decodeCLI(t, out)
}
