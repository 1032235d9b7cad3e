package actions_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions"
)

// TestLogsStreamExists: CloudWatch Logs answering CreateLogStream with
// ResourceAlreadyExistsException (every message after a rule's first) is
// not a failure: PutLogEvents follows and the action succeeds; another
// CreateLogStream error fails it with CloudWatch Logs' code.
func TestLogsStreamExists(t *testing.T) {
	var mu sync.Mutex
	var targets []string
	createAnswer := `{"__type":"ResourceAlreadyExistsException","message":"The specified log stream already exists"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		target := r.Header.Get("X-Amz-Target")
		mu.Lock()
		targets = append(targets, target)
		answer := createAnswer
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if target == "Logs_20140328.CreateLogStream" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(answer))
			return
		}
		_, _ = w.Write([]byte(`{"nextSequenceToken":"2"}`))
	}))
	defer srv.Close()
	env := newEnv(t, actions.Config{Endpoints: actions.Endpoints{CloudWatchLogs: srv.URL}})
	msg := rules.Message{Topic: "a/b", ClientID: "c", Payload: []byte(`{"v":1}`)}
	rec, ep := run(t, env, "SELECT * FROM 'a/b'", "cloudwatchLogs", `{"roleArn":"r","logGroupName":"g"}`, msg)
	if rec.Err != nil || ep != nil {
		t.Fatalf("existing stream failed the action: %v", rec.Err)
	}
	if got := strings.Join(targets, " "); got != "Logs_20140328.CreateLogStream Logs_20140328.PutLogEvents" {
		t.Errorf("requests %s", got)
	}
	if got := jsonOf(t, rec.Result); got != `{"nextSequenceToken":"2"}` {
		t.Errorf("result %s", got)
	}
	mu.Lock()
	createAnswer = `{"__type":"ResourceNotFoundException","message":"The specified log group does not exist."}`
	mu.Unlock()
	_, ep = run(t, env, "SELECT * FROM 'a/b'", "cloudwatchLogs", `{"roleArn":"r","logGroupName":"g"}`, msg)
	checkFailure(t, ep, "CloudwatchLogsAction", "g", "api error ResourceNotFoundException: The specified log group does not exist.")
}
