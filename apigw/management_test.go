package apigw_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi"
	"github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi/types"

	"github.com/iotemu/iotemu/apigw"
)

// sdkClient is an apigatewaymanagementapi client for endpoint, configured
// as AWS documents: BaseEndpoint https://{api-id}.execute-api.{region}.amazonaws.com/{stage}.
func sdkClient(endpoint string) *apigatewaymanagementapi.Client {
	return apigatewaymanagementapi.New(apigatewaymanagementapi.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(endpoint),
	})
}

// connectionID learns a connection's ID from the $connect event.
func connectionID(t *testing.T, rec *recorder) string {
	t.Helper()
	return rc(rec.next(t))["connectionId"].(string)
}

func managedServer(t *testing.T, lim apigw.Limits) (*apigw.Server, *recorder) {
	t.Helper()
	rec := newRecorder()
	s := start(t, apigw.Config{Limits: lim, APIs: []apigw.API{{Stage: "dev", Routes: []apigw.Route{
		{Key: "$connect", Integration: rec}, {Key: "$disconnect", Integration: rec},
	}}}})
	return s, rec
}

// TestManagementSDK drives @connections with the Go SDK v2 and checks
// every operation and each typed error. AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html#apigateway-how-to-call-websocket-api-connections.
func TestManagementSDK(t *testing.T) {
	s, rec := managedServer(t, apigw.Limits{})
	ws := dial(t, s, "/dev", nil)
	id := connectionID(t, rec)
	client := sdkClient(s.ManagementURL("dev"))
	ctx := context.Background()

	if _, err := client.PostToConnection(ctx, &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: &id, Data: []byte(`{"temp":21.5}`)}); err != nil {
		t.Fatalf("PostToConnection: %v", err)
	}
	if got := next(t, ws); got != `{"temp":21.5}` {
		t.Errorf("client got %q", got)
	}
	got, err := client.GetConnection(ctx, &apigatewaymanagementapi.GetConnectionInput{ConnectionId: &id})
	if err != nil {
		t.Fatalf("GetConnection: %v", err)
	}
	if got.ConnectedAt == nil || time.Since(*got.ConnectedAt) > time.Minute || got.LastActiveAt == nil ||
		*got.Identity.SourceIp != "127.0.0.1" || *got.Identity.UserAgent != "Go-http-client/1.1" {
		t.Errorf("GetConnection: got %+v %+v", got, got.Identity)
	}

	_, err = client.PostToConnection(ctx, &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: &id, Data: make([]byte, 128*1024+1)})
	var tooLarge *types.PayloadTooLargeException
	if !errors.As(err, &tooLarge) {
		t.Errorf("131073 bytes: got %v, want PayloadTooLargeException", err)
	}

	if _, err := client.DeleteConnection(ctx, &apigatewaymanagementapi.DeleteConnectionInput{ConnectionId: &id}); err != nil {
		t.Fatalf("DeleteConnection: %v", err)
	}
	if ce := closeOf(t, ws); ce.Code != 1000 {
		t.Errorf("client: got close %d, want 1000", ce.Code)
	}
	if code, reason := disconnectOf(t, rec); code != 1000 || reason != "Connection Closed Normally" {
		t.Errorf("$disconnect: got %v %q", code, reason)
	}

	var gone *types.GoneException
	for name, call := range map[string]func() error{
		"PostToConnection": func() error {
			_, err := client.PostToConnection(ctx, &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: &id, Data: []byte("x")})
			return err
		},
		"GetConnection": func() error {
			_, err := client.GetConnection(ctx, &apigatewaymanagementapi.GetConnectionInput{ConnectionId: &id})
			return err
		},
		"DeleteConnection": func() error {
			_, err := client.DeleteConnection(ctx, &apigatewaymanagementapi.DeleteConnectionInput{ConnectionId: &id})
			return err
		},
	} {
		if err := call(); !errors.As(err, &gone) {
			t.Errorf("%s after delete: got %v, want GoneException", name, err)
		}
	}
}

// TestManagementWrongStageIsGone: a connection is only reachable through
// its own API's endpoint; the stage-less path reaches any.
func TestManagementWrongStageIsGone(t *testing.T) {
	rec := newRecorder()
	s := start(t, apigw.Config{APIs: []apigw.API{
		{Stage: "dev", Routes: []apigw.Route{{Key: "$connect", Integration: rec}}},
		{Stage: "prod"},
	}})
	ws := dial(t, s, "/dev", nil)
	id := connectionID(t, rec)
	var gone *types.GoneException
	_, err := sdkClient(s.ManagementURL("prod")).PostToConnection(context.Background(), &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: &id, Data: []byte("x")})
	if !errors.As(err, &gone) {
		t.Errorf("other API's endpoint: got %v, want GoneException", err)
	}
	if _, err := sdkClient(strings.TrimSuffix(s.ManagementURL("dev"), "/dev")).PostToConnection(context.Background(),
		&apigatewaymanagementapi.PostToConnectionInput{ConnectionId: &id, Data: []byte("no stage")}); err != nil {
		t.Fatalf("stage-less endpoint: %v", err)
	}
	if got := next(t, ws); got != "no stage" {
		t.Errorf("got %q", got)
	}
}

// TestLimitExceeded: a client that stops reading fills its send queue;
// PostToConnection then answers LimitExceededException ("the WebSocket
// client side buffer is full").
func TestLimitExceeded(t *testing.T) {
	s, rec := managedServer(t, apigw.Limits{SendQueue: 1})
	dial(t, s, "/dev", nil) // never reads
	id := connectionID(t, rec)
	data := bytes.Repeat([]byte("x"), 128*1024)
	client := sdkClient(s.ManagementURL("dev"))
	var err error
	for i := 0; i < 2000 && err == nil; i++ {
		_, err = client.PostToConnection(context.Background(), &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: &id, Data: data})
	}
	var limit *types.LimitExceededException
	if !errors.As(err, &limit) {
		t.Fatalf("SDK: got %v, want LimitExceededException", err)
	}
	err = nil
	for i := 0; i < 2000 && err == nil; i++ {
		err = s.PostToConnection(context.Background(), id, data)
	}
	if !errors.Is(err, apigw.ErrLimitExceeded) {
		t.Errorf("Go: got %v, want ErrLimitExceeded", err)
	}
}

// TestLambdaPostsBack is the shape of part 6: an aws-lambda-go handler
// posts to the sender through the SDK, with the endpoint AWS's docs build
// from the event ("https://" + domainName + "/" + stage, over http here).
func TestLambdaPostsBack(t *testing.T) {
	handler := func(ctx context.Context, ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
		rc := ev.RequestContext
		client := sdkClient("http://" + rc.DomainName + "/" + rc.Stage)
		_, err := client.PostToConnection(ctx, &apigatewaymanagementapi.PostToConnectionInput{
			ConnectionId: aws.String(rc.ConnectionID), Data: []byte("you said " + ev.Body),
		})
		return events.APIGatewayProxyResponse{StatusCode: 200}, err
	}
	s := start(t, apigw.Config{APIs: []apigw.API{{Stage: "prod", Routes: []apigw.Route{
		{Key: "sendmessage", Integration: apigw.LambdaHandler(handler)},
	}}}})
	ws := dial(t, s, "/prod", nil)
	send(t, ws, `{"action":"sendmessage","data":"hi"}`)
	if got, want := next(t, ws), `you said {"action":"sendmessage","data":"hi"}`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestManagementCLI drives @connections with the AWS CLI.
func TestManagementCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed")
	}
	s, rec := managedServer(t, apigw.Limits{})
	ws := dial(t, s, "/dev", nil)
	id := connectionID(t, rec)
	aws := func(args ...string) (string, error) {
		cmd := exec.Command("aws", append([]string{"apigatewaymanagementapi", "--endpoint-url", s.ManagementURL("dev"), "--region", "us-east-1"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := aws("post-to-connection", "--connection-id", id, "--data", `{"hello":"cli"}`); err != nil {
		t.Fatalf("post-to-connection: %v\n%s", err, out)
	}
	if got := next(t, ws); got != `{"hello":"cli"}` {
		t.Errorf("client got %q", got)
	}
	out, err := aws("get-connection", "--connection-id", id)
	if err != nil || !strings.Contains(out, `"SourceIp": "127.0.0.1"`) || !strings.Contains(out, `"ConnectedAt"`) {
		t.Errorf("get-connection: %v\n%s", err, out)
	}
	if out, err := aws("delete-connection", "--connection-id", id); err != nil {
		t.Fatalf("delete-connection: %v\n%s", err, out)
	}
	out, err = aws("post-to-connection", "--connection-id", id, "--data", "x")
	if err == nil || !strings.Contains(out, "An error occurred (GoneException) when calling the PostToConnection operation") {
		t.Errorf("post after delete: got %v\n%s", err, out)
	}
}

// TestPostToConnectionHugeBody: a 10 MB PostToConnection gets AWS's 413
// PayloadTooLargeException through the Go SDK, not a reset connection
// (the body is read to its end before the answer).
func TestPostToConnectionHugeBody(t *testing.T) {
	s, rec := managedServer(t, apigw.Limits{})
	dial(t, s, "/dev", nil)
	id := connectionID(t, rec)
	client := sdkClient(s.ManagementURL("dev"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := client.PostToConnection(ctx, &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: &id,
		Data: bytes.Repeat([]byte{'x'}, 10<<20)})
	var tooLarge *types.PayloadTooLargeException
	if !errors.As(err, &tooLarge) {
		t.Fatalf("PostToConnection of 10 MB: %v, want PayloadTooLargeException", err)
	}
}
