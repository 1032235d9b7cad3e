//go:build unix

package emulator_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/rules/actions"
	"github.com/iotemu/iotemu/testkit"
)

// miniStackAccount is MiniStack's account ID, which the emulator takes
// too, so that the functions' ARNs are the same on both sides.
const miniStackAccount = "000000000000"

// startMiniStack runs the MiniStack companion (LAMBDA_EXECUTOR=local:
// Python Lambdas as local processes) on a free port, retrying when the
// port is taken meanwhile, and stops its process group at cleanup. It
// returns its endpoint.
func startMiniStack(t *testing.T) string {
	t.Helper()
	for _, pkg := range []string{"hypercorn", "defusedxml", "yaml", "boto3"} {
		if err := exec.Command("/usr/bin/python3", "-c", "import "+pkg).Run(); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("MiniStack needs python3-%s: %v", pkg, err)
			}
			t.Skipf("MiniStack needs python3-%s (Debian): %v", pkg, err)
		}
	}
	dir := companion(t, "ministack-f1bdbd8.tar.gz")
	for attempt := 0; attempt < 3; attempt++ {
		port := freePort(t)
		endpoint := "http://127.0.0.1:" + port
		var log bytes.Buffer
		cmd := exec.Command("/usr/bin/python3", "-m", "ministack")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "BIND_HOST=127.0.0.1", "GATEWAY_PORT="+port, "IOT_MTLS_ENABLED=0", "LAMBDA_EXECUTOR=local")
		cmd.Stdout, cmd.Stderr = &log, &log
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its Lambda workers are in its group
		if err := cmd.Start(); err != nil {
			t.Fatalf("start MiniStack: %v", err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }() // killed at cleanup: its status says nothing
		stop := func() {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the group we started, by its PID
			<-exited
		}
		if healthy(t, endpoint, exited) {
			t.Cleanup(stop)
			return endpoint
		}
		stop()
		t.Logf("MiniStack on port %s did not start (attempt %d): %s", port, attempt+1, log.String())
	}
	t.Fatal("MiniStack did not start")
	return ""
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// healthy waits for MiniStack's health endpoint, or its exit (a bind error).
func healthy(t *testing.T, endpoint string, exited <-chan struct{}) bool {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		case <-time.After(100 * time.Millisecond):
		}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, endpoint+"/_ministack/health", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
	}
	return false
}

// createPythonFunction creates a Python Lambda in MiniStack with the
// Lambda API's CreateFunction (restJson1), from the pipeline example
// (fixtures/examples/pipeline/pipeline.py, the code the README shows).
func createPythonFunction(t *testing.T, endpoint, name, handler string, env map[string]string) {
	t.Helper()
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	src, err := os.ReadFile(filepath.Join("..", "fixtures", "examples", "pipeline", "pipeline.py"))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := zw.Create("pipeline.py")
	_, _ = f.Write(src)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{
		"FunctionName": name, "Runtime": "python3.11", "Handler": handler, "Timeout": 15,
		"Role": "arn:aws:iam::" + miniStackAccount + ":role/pipeline", "Code": map[string]string{"ZipFile": base64.StdEncoding.EncodeToString(zipped.Bytes())},
		"Environment": map[string]any{"Variables": env},
	})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, endpoint+"/2015-03-31/functions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("CreateFunction %s: %s", name, resp.Status)
	}
}

// TestCompanionPipeline runs the real-time pipeline IoT teams build, end to
// end, with MiniStack as the rest of AWS: a device's reading → an IoT rule
// whose SQS action and Lambda action reach the companion through
// -aws-endpoint → a Python broadcast Lambda (hosted by MiniStack) posting to
// iotemu's @connections over https with the emulator's CA → the browser-like
// client. The $connect Lambda checks the token of Sec-WebSocket-Protocol,
// echoes it and stores the connection in DynamoDB; $disconnect deletes it.
// The WebSocket API is declared once with the apigatewayv2 CLI and once with
// fixtures.
func TestCompanionPipeline(t *testing.T) {
	ms := startMiniStack(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // about 30 s; generous for loaded CI machines
	defer cancel()
	creds := credentials.NewStaticCredentialsProvider("test", "test", "")
	ddb := dynamodb.New(dynamodb.Options{Region: "us-east-1", Credentials: creds, BaseEndpoint: aws.String(ms)})
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("connections"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("connectionId"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("connectionId"), KeyType: ddbtypes.KeyTypeHash}},
	}); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	queue := sqs.New(sqs.Options{Region: "us-east-1", Credentials: creds, BaseEndpoint: aws.String(ms)})
	q, err := queue.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("readings")})
	if err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	env := map[string]string{"DYNAMODB_ENDPOINT": ms, "TOKEN": "s3cret-token", "CA_BUNDLE": caFile, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
	for name, handler := range map[string]string{"ws-connect": "pipeline.connect", "ws-disconnect": "pipeline.disconnect", "ws-broadcast": "pipeline.broadcast"} {
		createPythonFunction(t, ms, name, handler, env)
	}

	arn := func(fn string) string { return "arn:aws:lambda:us-east-1:" + miniStackAccount + ":function:" + fn }
	rule := fmt.Sprintf(`{"sql":"SELECT * FROM 'sensors/+/reading'","actions":[
		{"sqs":{"queueUrl":%q,"roleArn":"arn:aws:iam::%s:role/iot","useBase64":false}},
		{"lambda":{"functionArn":%q}}]}`, aws.ToString(q.QueueUrl), miniStackAccount, arn("ws-broadcast"))
	emu := testkit.Start(t,
		testkit.WithConfig(func(c *emulator.Config) { c.AccountID, c.TLS.WriteCAFile = miniStackAccount, caFile }),
		testkit.WithRuleActions(func(c *actions.Config) {
			c.Endpoints.Base = ms // -aws-endpoint: SQS and the Lambda Invoke API of the companion
			c.Credentials = actions.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
		}),
		testkit.WithTopicRule("readings", rule),
	)

	t.Run("cli", func(t *testing.T) {
		apiPort := "http://" + strings.TrimPrefix(emu.Server().Endpoints().APIGateway, "ws://")
		cli := func(args ...string) map[string]any {
			t.Helper()
			return cliJSONAt(t, apiPort, append([]string{"apigatewayv2"}, args...)...)
		}
		api := cli("create-api", "--name", "pipeline", "--protocol-type", "WEBSOCKET", "--route-selection-expression", "$request.body.action")
		id := api["ApiId"].(string)
		for key, fn := range map[string]string{"$connect": "ws-connect", "$disconnect": "ws-disconnect"} {
			in := cli("create-integration", "--api-id", id, "--integration-type", "AWS_PROXY",
				"--integration-uri", "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"+arn(fn)+"/invocations")
			cli("create-route", "--api-id", id, "--route-key", key, "--target", "integrations/"+in["IntegrationId"].(string))
		}
		cli("create-stage", "--api-id", id, "--stage-name", "cli", "--auto-deploy")
		runPipeline(ctx, t, emu, ddb, queue, aws.ToString(q.QueueUrl), "cli", "dev1")
	})
	t.Run("fixtures", func(t *testing.T) {
		// ws-disconnect at an endpoint of its own: its bare name goes in
		// MiniStack's Invoke API path (the other functions go by ARN).
		set, err := fixtures.Parse(strings.NewReader(`
functions:
  - name: ws-disconnect
    endpoint: ` + ms + `
apis:
  - name: pipeline
    stage: fixtures
    routes:
      - key: $connect
        integration: {function: ws-connect}
      - key: $disconnect
        integration: {function: ws-disconnect}
`))
		if err != nil {
			t.Fatal(err)
		}
		if err := emu.Server().Apply(ctx, set); err != nil {
			t.Fatal(err)
		}
		runPipeline(ctx, t, emu, ddb, queue, aws.ToString(q.QueueUrl), "fixtures", "dev2")
	})
}

// runPipeline connects to stage with the token as subprotocol (and is
// refused without it), publishes a device's reading, and expects it on the
// socket and in the queue; closing removes the connection from DynamoDB.
func runPipeline(ctx context.Context, t *testing.T, emu *testkit.Emulator, ddb *dynamodb.Client, queue *sqs.Client, queueURL, stage, device string) {
	t.Helper()
	url := emu.WebSocketAPITLSURL(stage)
	dialer := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: emu.CAPool(), MinVersion: tls.VersionTLS12}, HandshakeTimeout: 20 * time.Second}
	bad := dialer
	bad.Subprotocols = []string{"wrong"}
	if c, resp, err := bad.DialContext(ctx, url, nil); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		if c != nil {
			c.Close()
		}
		t.Fatalf("a wrong token: %v %v, want 401 from the $connect Lambda", resp, err)
	}
	dialer.Subprotocols = []string{"s3cret-token"}
	ws, resp, err := dialer.DialContext(ctx, url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != "s3cret-token" {
		t.Errorf("subprotocol %q, want the token echoed by the $connect Lambda", got)
	}
	items, err := ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("connections")})
	if err != nil || len(items.Items) != 1 {
		t.Fatalf("connections table: %v, %v; want the one connection", items, err)
	}
	connID := items.Items[0]["connectionId"].(*ddbtypes.AttributeValueMemberS).Value

	reading := fmt.Sprintf(`{"device":%q,"temperature":21.5}`, device)
	if err := emu.Server().Publish(ctx, emulator.Message{Topic: "sensors/" + device + "/reading", Payload: []byte(reading), QoS: 1}); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, got, err := ws.ReadMessage()
	if err != nil || !strings.Contains(string(got), device) || !strings.Contains(string(got), "21.5") {
		t.Fatalf("socket: %q, %v; want the device's reading broadcast", got, err)
	}
	for {
		out, err := queue.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), WaitTimeSeconds: 1})
		if err != nil {
			t.Fatalf("ReceiveMessage: %v", err)
		}
		if len(out.Messages) > 0 && strings.Contains(aws.ToString(out.Messages[0].Body), device) {
			break
		}
	}

	ws.Close()
	for {
		out, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("connections"),
			Key: map[string]ddbtypes.AttributeValue{"connectionId": &ddbtypes.AttributeValueMemberS{Value: connID}}})
		if err != nil {
			t.Fatalf("GetItem after close: %v (the $disconnect Lambda did not delete the connection in time)", err)
		}
		if out.Item == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatal("the $disconnect Lambda did not delete the connection")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// TestPipelineExampleFixtures: the README's pipeline fixtures (the file
// compose.yaml mounts) apply as they are: the rule and the API through the
// control plane, with the companion's account.
func TestPipelineExampleFixtures(t *testing.T) {
	t.Parallel()
	set, err := fixtures.Load(os.DirFS(filepath.Join("..", "fixtures", "examples", "pipeline")), "pipeline.yaml")
	if err != nil {
		t.Fatal(err)
	}
	emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) { c.AccountID, c.Fixtures = miniStackAccount, set }))
	out := cliJSONAt(t, emu.Endpoint(), "apigatewayv2", "get-apis")
	if items, _ := out["Items"].([]any); len(items) != 1 {
		t.Errorf("get-apis: %v, want the pipeline API", out)
	}
}
