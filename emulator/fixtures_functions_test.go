package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions"
	"github.com/iotemu/iotemu/testkit"
)

// invokeAPIServer is a tiny Lambda Invoke API: it records the
// FunctionName of each request's path and answers what answer returns for
// the function's bare name (a full ARN and a bare name both resolve).
func invokeAPIServer(t *testing.T, answer func(name string, event []byte) string) (*httptest.Server, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fn, ok := strings.CutPrefix(r.URL.Path, "/2015-03-31/functions/")
		fn, ok2 := strings.CutSuffix(fn, "/invocations")
		if !ok || !ok2 || r.Method != http.MethodPost {
			http.Error(w, `{"Type":"User","message":"Function not found"}`, http.StatusNotFound)
			return
		}
		mu.Lock()
		paths = append(paths, fn)
		mu.Unlock()
		name := fn
		if i := strings.LastIndex(fn, ":function:"); i >= 0 {
			name = fn[i+len(":function:"):]
		}
		event, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer(name, event))
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), paths...)
	}
}

// TestFixtureAPIThroughControlPlane: the fixtures file is one more client
// of the apigatewayv2 store. Its API (with the apiId it asks for) is what
// GetApis, GetRoutes and GetStage answer and what the API port serves; a
// function with an endpoint of its own (functions:) gets its bare name in
// the path, a route naming a function by its full ARN goes to the default
// -lambda-endpoint with the ARN, and a MOCK $connect answers its header.
func TestFixtureAPIThroughControlPlane(t *testing.T) {
	t.Parallel()
	perFunction, perFunctionPaths := invokeAPIServer(t, func(string, []byte) string { return `{"statusCode":200}` })
	def, defPaths := invokeAPIServer(t, func(name string, event []byte) string {
		var ev struct{ Body string }
		_ = json.Unmarshal(event, &ev)
		b, _ := json.Marshal(map[string]any{"statusCode": 200, "body": name + " got " + ev.Body})
		return string(b)
	})
	fixture := `
functions:
  - name: onconnect
    endpoint: ` + perFunction.URL + `
apis:
  - id: fixapi0001
    name: chat
    stage: dev
    routes:
      - key: $connect
        integration: {function: onconnect}
      - key: $default
        routeResponseSelectionExpression: $default
        integration: {function: "arn:aws:lambda:us-east-1:123456789012:function:echo"}
  - id: fixapi0002
    name: mocked
    stage: mock
    routes:
      - key: $connect
        integration: {mock: {headers: {Sec-WebSocket-Protocol: chat}}}
`
	path := filepath.Join(t.TempDir(), "fixtures.yaml")
	if err := os.WriteFile(path, []byte(fixture), 0o600); err != nil {
		t.Fatal(err)
	}
	emu := testkit.Start(t, testkit.WithFixtures(path), testkit.WithRuleActions(func(c *actions.Config) { c.Endpoints.Lambda = def.URL }))

	cp := apigatewayv2.New(apigatewayv2.Options{
		Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""),
		BaseEndpoint: aws.String(emu.Endpoint()),
	})
	apis, err := cp.GetApis(t.Context(), &apigatewayv2.GetApisInput{})
	if err != nil || len(apis.Items) != 2 || aws.ToString(apis.Items[0].ApiId) != "fixapi0001" || aws.ToString(apis.Items[0].Name) != "chat" {
		t.Fatalf("GetApis: %+v, %v; want the fixtures' APIs", apis, err)
	}
	routes, err := cp.GetRoutes(t.Context(), &apigatewayv2.GetRoutesInput{ApiId: aws.String("fixapi0001")})
	if err != nil || len(routes.Items) != 2 {
		t.Fatalf("GetRoutes: %+v, %v", routes, err)
	}
	stage, err := cp.GetStage(t.Context(), &apigatewayv2.GetStageInput{ApiId: aws.String("fixapi0001"), StageName: aws.String("dev")})
	if err != nil || !aws.ToBool(stage.AutoDeploy) || aws.ToString(stage.DeploymentId) == "" {
		t.Fatalf("GetStage: %+v, %v; want an autoDeploy stage, deployed", stage, err)
	}

	ws, _, err := websocket.DefaultDialer.Dial(emu.WebSocketAPIURL("dev"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if got := perFunctionPaths(); len(got) != 1 || got[0] != "onconnect" {
		t.Errorf("per-function endpoint paths %q, want the bare name", got)
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`hi`)); err != nil {
		t.Fatal(err)
	}
	if _, got, err := ws.ReadMessage(); err != nil || string(got) != "echo got hi" {
		t.Fatalf("$default: %q, %v", got, err)
	}
	if got := defPaths(); len(got) != 1 || got[0] != "arn:aws:lambda:us-east-1:123456789012:function:echo" {
		t.Errorf("default endpoint paths %q, want the ARN as given", got)
	}

	d := websocket.Dialer{Subprotocols: []string{"chat"}}
	mws, resp, err := d.Dial(emu.WebSocketAPIURL("mock"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer mws.Close()
	if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != "chat" {
		t.Errorf("MOCK $connect's header: %q", got)
	}
}

// TestFixtureFunctionCommand: a functions: fixture runs the user's own
// executable (here a custom runtime in Python speaking the Runtime API)
// with its environment, handler and timeout; a rule's Lambda action
// reaches it by ARN.
func TestFixtureFunctionCommand(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	bootstrap, err := filepath.Abs(filepath.Join("..", "lambdafn", "testdata", "python", "bootstrap"))
	if err != nil {
		t.Fatal(err)
	}
	fixture := `
functions:
  - name: telemetry
    command: ` + bootstrap + `
    env: {GREETING: hello}
    handler: app.handler
    timeout: 10
rules:
  - name: toCommand
    topicRulePayload:
      sql: "SELECT * FROM 'cmd/in'"
      actions:
        - lambda: {functionArn: "arn:aws:lambda:us-east-1:123456789012:function:telemetry"}
`
	path := filepath.Join(t.TempDir(), "fixtures.yaml")
	if err := os.WriteFile(path, []byte(fixture), 0o600); err != nil {
		t.Fatal(err)
	}
	emu := testkit.Start(t, testkit.WithFixtures(path))
	emu.Publish(t, emulator.Message{Topic: "cmd/in", Payload: []byte(`{"reading":21}`), QoS: 1})
	rec, err := emu.Server().WaitActionRecord(t.Context(), func(r rules.ActionRecord) bool { return r.Rule == "toCommand" })
	if err != nil {
		t.Fatalf("no action record: %v", err)
	}
	got, _ := json.Marshal(rec)
	if rec.Error != "" || !strings.Contains(string(got), `"via":"command"`) || !strings.Contains(string(got), `app.handler`) || !strings.Contains(string(got), `reading`) {
		t.Errorf("record %s, want the command's echo with its handler", got)
	}
}

// TestFixtureFunctionsInvalid: a function with both an endpoint and a
// command, or neither, is refused with the entry named; an API route
// whose function is not a name or ARN gets CreateIntegration's error.
func TestFixtureFunctionsInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ fixture, want string }{
		{"functions:\n  - name: f\n    endpoint: http://h:1\n    command: /bin/true\n", "functions[0] (f): want exactly one of endpoint, command"},
		{"functions:\n  - name: f\n", "functions[0] (f): want exactly one of endpoint, command"},
		{"functions:\n  - name: f\n    endpoint: http://h:1\n    timeout: 3\n", "are for a command"},
		{"apis:\n  - name: bad\n    routes:\n      - key: $default\n        integration: {function: \"not a name\"}\n", "CreateIntegration"},
		{"apis:\n  - name: bad\n    routes:\n      - key: $bogus\n        integration: {mock: {}}\n", "CreateRoute"},
	} {
		path := filepath.Join(t.TempDir(), "fixtures.yaml")
		if err := os.WriteFile(path, []byte(tc.fixture), 0o600); err != nil {
			t.Fatal(err)
		}
		set, err := fixtures.Load(os.DirFS(filepath.Dir(path)), filepath.Base(path))
		if err == nil {
			_, err = emulator.New(emulator.Config{Fixtures: set})
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.fixture, err, tc.want)
		}
	}
}
