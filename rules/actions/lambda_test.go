package actions_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/lambdafn"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions"
)

// invokerOf is the emulator's one Invoker over reg, for cfg's endpoint.
func invokerOf(cfg actions.Config, reg *lambdafn.Registry) *lambdafn.Invoker {
	return lambdafn.NewInvoker(cfg.InvokerConfig(reg))
}

type event struct {
	Temp   float64 `json:"temp"`
	Device string  `json:"device"`
}

// TestLambdaInProcessEvent: the event is the SELECT output; a function
// error is recorded but does not fail the action (asynchronous invocation).
func TestLambdaInProcessEvent(t *testing.T) {
	reg := lambdafn.New(lambdafn.Config{})
	events := make(chan event, 2)
	_ = reg.Register("alerts", func(e event) error { events <- e; return nil })
	_ = reg.Register("broken", func(e event) error { return errors.New("kaput") })
	env := newEnv(t, actions.Config{Functions: invokerOf(actions.Config{}, reg)})
	const sql = "SELECT temp, topic(2) AS device FROM 'sensors/+'"
	m := rules.Message{Topic: "sensors/d7", Payload: []byte(`{"temp":40}`)}
	rec, ep := run(t, env, sql, "lambda", `{"functionArn":"arn:aws:lambda:us-east-1:123456789012:function:alerts"}`, m)
	if rec.Err != nil || ep != nil {
		t.Fatalf("lambda failed: %v", rec.Err)
	}
	if e := <-events; e != (event{Temp: 40, Device: "d7"}) {
		t.Errorf("event = %+v", e)
	}
	req := jsonOf(t, rec.Request)
	if want := `{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:alerts","InvocationType":"Event","Payload":{"temp":40,"device":"d7"},"via":"in-process"}`; req != want {
		t.Errorf("request = %s\nwant      %s", req, want)
	}
	rec, ep = run(t, env, sql, "lambda", `{"functionArn":"broken"}`, m)
	if rec.Err != nil || ep != nil || !strings.Contains(jsonOf(t, rec.Result), `"FunctionError":"Unhandled"`) {
		t.Errorf("function error: err %v, result %s", rec.Err, jsonOf(t, rec.Result))
	}
}

// TestLambdaInvokeAPI: a function not registered in-process goes to the
// Lambda Invoke API at the endpoint: POST /2015-03-31/functions/{name}/
// invocations, X-Amz-Invocation-Type Event, the output as body, SigV4.
// AWS: API_Invoke.html.
func TestLambdaInvokeAPI(t *testing.T) {
	type call struct {
		path, invType, auth string
		body                string
	}
	calls := make(chan call, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		calls <- call{r.URL.EscapedPath(), r.Header.Get("X-Amz-Invocation-Type"), r.Header.Get("Authorization"), string(b)}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	cfg := actions.Config{Endpoints: actions.Endpoints{Lambda: srv.URL}}
	cfg.Functions = invokerOf(cfg, lambdafn.New(lambdafn.Config{}))
	env := newEnv(t, cfg)
	rec, ep := run(t, env, "SELECT * FROM 'a'", "lambda", `{"functionArn":"arn:aws:lambda:us-east-1:123456789012:function:remote"}`,
		rules.Message{Topic: "a", Payload: []byte(`{"x":1}`)})
	if rec.Err != nil || ep != nil {
		t.Fatalf("lambda failed: %v", rec.Err)
	}
	c := <-calls
	if c.path != "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aremote/invocations" ||
		c.invType != "Event" || c.body != `{"x":1}` || !strings.HasPrefix(c.auth, "AWS4-HMAC-SHA256 Credential=iotemu/") {
		t.Errorf("request = %+v", c)
	}
	if got := jsonOf(t, rec.Result); got != `{"StatusCode":202}` {
		t.Errorf("result = %s", got)
	}
}

// TestLambdaFailures: unreachable endpoint, 5xx, and a binary output each
// fire the error action with LambdaAction and the function ARN.
func TestLambdaFailures(t *testing.T) {
	fail5xx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amzn-ErrorType", "ServiceException")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"message":"boom"}`))
	}))
	defer fail5xx.Close()
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
	for name, c := range map[string]struct {
		endpoint, payload, want string
	}{
		"unreachable": {closedPort(t), `{"x":1}`, "connect: connection refused"},
		"5xx":         {fail5xx.URL, `{"x":1}`, "ServiceException"},
		"binary":      {fail5xx.URL, "\x00\x01", "InvalidRequestContentException"},
	} {
		t.Run(name, func(t *testing.T) {
			env := newEnv(t, actions.Config{Endpoints: actions.Endpoints{Lambda: c.endpoint}})
			_, ep := run(t, env, "SELECT * FROM 'a'", "lambda", `{"functionArn":"`+arn+`"}`, rules.Message{Topic: "a", Payload: []byte(c.payload)})
			checkFailure(t, ep, "LambdaAction", arn, c.want)
		})
	}
}

// checkFailure asserts an error payload with one failure.
func checkFailure(t *testing.T, ep *rules.ErrorPayload, action, resource, msg string) {
	t.Helper()
	if ep == nil {
		t.Fatal("error action did not run")
	}
	if ep.RuleName != "r" || ep.Topic == "" || ep.CloudwatchTraceID == "" || ep.ClientID == "" || len(ep.Failures) != 1 {
		t.Fatalf("error payload = %+v", ep)
	}
	f := ep.Failures[0]
	if f.FailedAction != action || f.FailedResource != resource || !strings.Contains(f.ErrorMessage, msg) || !strings.HasPrefix(f.ErrorMessage, "Failed to ") {
		b, _ := json.Marshal(f)
		t.Errorf("failure = %s; want %s, %s, containing %q", b, action, resource, msg)
	}
}
