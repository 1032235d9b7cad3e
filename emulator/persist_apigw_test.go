package emulator_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/testkit"
)

// apigwv2Client is the SDK's apigatewayv2 client on the API Gateway port.
func apigwv2Client(emu *testkit.Emulator) *apigatewayv2.Client {
	return apigatewayv2.New(apigatewayv2.Options{Region: "us-east-1",
		BaseEndpoint: aws.String("http://" + strings.TrimPrefix(emu.Server().Endpoints().APIGateway, "ws://")),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})
}

// TestDataDirKeepsWebSocketAPIs: a WebSocket API declared with the SDK on
// the API Gateway port (integration, route, auto-deployed stage) is there
// after a restart on the same directory, and its stage is served again.
func TestDataDirKeepsWebSocketAPIs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	emu := testkit.Start(t, testkit.WithDataDir(dir))
	c := apigwv2Client(emu)
	api, err := c.CreateApi(ctx, &apigatewayv2.CreateApiInput{Name: aws.String("chat"), ProtocolType: types.ProtocolTypeWebsocket,
		RouteSelectionExpression: aws.String("$request.body.action")})
	if err != nil {
		t.Fatal(err)
	}
	in, err := c.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{ApiId: api.ApiId, IntegrationType: types.IntegrationTypeMock,
		RequestTemplates: map[string]string{"$default": `{"statusCode":200}`}, TemplateSelectionExpression: aws.String(`\$default`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: api.ApiId, RouteKey: aws.String("$default"),
		Target: aws.String("integrations/" + aws.ToString(in.IntegrationId))}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: api.ApiId, StageName: aws.String("live"), AutoDeploy: aws.Bool(true),
		Tags: map[string]string{"team": "iot"}}); err != nil {
		t.Fatal(err)
	}

	emu = restart(t, emu, dir)
	c = apigwv2Client(emu)
	apis, err := c.GetApis(ctx, &apigatewayv2.GetApisInput{})
	if err != nil || len(apis.Items) != 1 || aws.ToString(apis.Items[0].ApiId) != aws.ToString(api.ApiId) {
		t.Fatalf("APIs after restart: %v %+v", err, apis)
	}
	sg, err := c.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: api.ApiId, StageName: aws.String("live")})
	if err != nil || sg.DeploymentId == nil || sg.Tags["team"] != "iot" {
		t.Fatalf("stage after restart: %v %+v", err, sg)
	}
	ws, _, err := websocket.DefaultDialer.Dial(emu.Server().Endpoints().APIGateway+"/live", nil)
	if err != nil {
		t.Fatalf("the restored stage is not served: %v", err)
	}
	_ = ws.Close()
}
