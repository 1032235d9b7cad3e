package lambdafn_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/iotemu/iotemu/lambdafn"
)

// bootstrap is the aws-lambda-go function of testdata/fn, built once.
var bootstrap string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lambdafn-fn-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bootstrap = filepath.Join(dir, "bootstrap")
	build := exec.Command("go", "build", "-o", bootstrap, "./testdata/fn")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build testdata/fn: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// logLines is a slog handler sending each record's message and function
// to a channel, for tests to wait on.
type logLines chan string

func (l logLines) Enabled(context.Context, slog.Level) bool { return true }
func (l logLines) Handle(_ context.Context, r slog.Record) error {
	var fn, stream string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "function":
			fn = a.Value.String()
		case "stream":
			stream = a.Value.String()
		}
		return true
	})
	select {
	case l <- fn + " " + stream + ": " + r.Message:
	default: // the test reads the lines it waits for; others may be lost
	}
	return nil
}
func (l logLines) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l logLines) WithGroup(string) slog.Handler      { return l }

// wait reads lines until it has seen each of want, in any order.
func (l logLines) wait(t *testing.T, want ...string) {
	t.Helper()
	missing := map[string]bool{}
	for _, w := range want {
		missing[w] = true
	}
	deadline := time.After(10 * time.Second)
	for len(missing) > 0 {
		select {
		case got := <-l:
			delete(missing, got)
		case <-deadline:
			t.Fatalf("no log lines %v", missing)
		}
	}
}

type fixture struct {
	cmds  *lambdafn.Commands
	inv   *lambdafn.Invoker
	lines logLines
}

func newFixture(t *testing.T, cmds ...lambdafn.Command) fixture {
	t.Helper()
	lines := make(logLines, 64)
	var n int
	var mu sync.Mutex
	c := lambdafn.NewCommands(lambdafn.CommandsConfig{
		Region: "eu-west-1", AccountID: "111122223333", Logger: slog.New(lines),
		NewRequestID: func() string {
			mu.Lock()
			defer mu.Unlock()
			n++
			return fmt.Sprintf("req-%d", n)
		},
	})
	t.Cleanup(func() { _ = c.Close() })
	for _, cmd := range cmds {
		if cmd.Path == "" {
			cmd.Path = bootstrap
		}
		if err := c.Register(cmd); err != nil {
			t.Fatal(err)
		}
	}
	return fixture{cmds: c, inv: lambdafn.NewInvoker(lambdafn.InvokerConfig{Commands: c}), lines: lines}
}

// call invokes fn with the event and decodes a successful result.
func (f fixture) call(t *testing.T, fn string, event any) (map[string]any, lambdafn.Response, error) {
	t.Helper()
	payload, _ := json.Marshal(event)
	res, err := f.inv.Invoke(context.Background(), lambdafn.Request{Function: fn, Payload: payload})
	var out map[string]any
	if err == nil {
		if jerr := json.Unmarshal(res.Payload, &out); jerr != nil {
			t.Fatalf("result %q: %v", res.Payload, jerr)
		}
	}
	return out, res, err
}

func pidOf(t *testing.T, out map[string]any) int {
	t.Helper()
	pid, ok := out["pid"].(float64)
	if !ok {
		t.Fatalf("no pid in %v", out)
	}
	return int(pid)
}

// gone reports whether no process has the PID (it was killed and reaped).
func gone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// TestCommandRuns: an aws-lambda-go bootstrap invoked by ARN gets Lambda's
// environment, its own variables, the request ID, the invoked ARN and a
// deadline; its stdout and stderr lines are logged with its name.
func TestCommandRuns(t *testing.T) {
	f := newFixture(t, lambdafn.Command{Name: "hello", Handler: "bootstrap", Env: map[string]string{"GREETING": "hi"}, Timeout: 5 * time.Second})
	arn := "arn:aws:lambda:eu-west-1:111122223333:function:hello"
	before := time.Now()
	out, res, err := f.call(t, arn, map[string]string{"action": "env"})
	if err != nil || res.Via != lambdafn.ViaCommand || res.StatusCode != http.StatusOK || res.FunctionError != "" {
		t.Fatalf("got %+v, %v", res, err)
	}
	want := map[string]any{
		"AWS_LAMBDA_FUNCTION_NAME": "hello", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
		"AWS_REGION": "eu-west-1", "_HANDLER": "bootstrap", "LAMBDA_TASK_ROOT": filepath.Dir(bootstrap), "GREETING": "hi",
		"requestId": "req-1", "arn": arn,
	}
	for k, v := range want {
		if out[k] != v {
			t.Errorf("%s: got %v, want %v", k, out[k], v)
		}
	}
	deadline := time.UnixMilli(int64(out["deadlineMs"].(float64)))
	if deadline.Before(before.Add(4*time.Second)) || deadline.After(time.Now().Add(5*time.Second)) {
		t.Errorf("deadline %v: not the 5s timeout after %v", deadline, before)
	}
	f.lines.wait(t, "hello stdout: hello from hello", "hello stderr: to stderr")
	out2, _, err := f.call(t, "hello", map[string]string{"action": "env"})
	if err != nil || pidOf(t, out2) != pidOf(t, out) || out2["arn"] != "arn:aws:lambda:eu-west-1:111122223333:function:hello" {
		t.Errorf("second invocation by name: got %v, %v; want the same process", out2, err)
	}
}

// TestCommandFunctionError: an error returned by the handler is posted
// to /error and reported as Lambda does (FunctionError Unhandled, the
// runtime's errorType and errorMessage); the process serves on.
func TestCommandFunctionError(t *testing.T) {
	f := newFixture(t, lambdafn.Command{Name: "failing"})
	first, _, err := f.call(t, "failing", map[string]string{"action": "env"})
	if err != nil {
		t.Fatal(err)
	}
	_, res, err := f.call(t, "failing", map[string]string{"action": "fail"})
	var fe *lambdafn.FunctionError
	if !errors.As(err, &fe) || fe.Type != "errorString" || fe.Message != "kaput" || res.FunctionError != "Unhandled" {
		t.Fatalf("got %+v, %v", res, err)
	}
	var doc map[string]any
	if json.Unmarshal(res.Payload, &doc) != nil || doc["errorType"] != "errorString" || doc["errorMessage"] != "kaput" {
		t.Errorf("error document %s", res.Payload)
	}
	again, _, err := f.call(t, "failing", map[string]string{"action": "env"})
	if err != nil || pidOf(t, again) != pidOf(t, first) {
		t.Errorf("after a function error: got %v, %v; want the same process", again, err)
	}
}

// TestCommandTimeout: an invocation past the function's timeout is
// answered Sandbox.Timedout with Lambda's message, its process is killed,
// and the next invocation gets a new one.
func TestCommandTimeout(t *testing.T) {
	f := newFixture(t, lambdafn.Command{Name: "slow", Timeout: 300 * time.Millisecond})
	first, _, err := f.call(t, "slow", map[string]string{"action": "env"})
	if err != nil {
		t.Fatal(err)
	}
	_, res, err := f.call(t, "slow", map[string]any{"action": "sleep", "millis": 60000})
	var fe *lambdafn.FunctionError
	if !errors.As(err, &fe) || fe.Type != "Sandbox.Timedout" || fe.Message != "RequestId: req-2 Error: Task timed out after 0.30 seconds" || res.FunctionError != "Unhandled" {
		t.Fatalf("got %+v, %v", res, err)
	}
	if !gone(pidOf(t, first)) {
		t.Errorf("process %d still running after the timeout", pidOf(t, first))
	}
	next, _, err := f.call(t, "slow", map[string]string{"action": "env"})
	if err != nil || pidOf(t, next) == pidOf(t, first) {
		t.Errorf("after a timeout: got %v, %v; want a new process", next, err)
	}
}

// TestCommandCrash: a process exiting mid-invocation is Runtime.ExitError
// with its exit status; a panic is the runtime's error document and the
// process's exit; either way the next invocation gets a new process.
func TestCommandCrash(t *testing.T) {
	f := newFixture(t, lambdafn.Command{Name: "crashing"})
	first, _, err := f.call(t, "crashing", map[string]string{"action": "env"})
	if err != nil {
		t.Fatal(err)
	}
	_, res, err := f.call(t, "crashing", map[string]string{"action": "exit"})
	var fe *lambdafn.FunctionError
	if !errors.As(err, &fe) || fe.Type != "Runtime.ExitError" || fe.Message != "RequestId: req-2 Error: Runtime exited with error: exit status 3" || res.FunctionError != "Unhandled" {
		t.Fatalf("exit: got %+v, %v", res, err)
	}
	second, _, err := f.call(t, "crashing", map[string]string{"action": "env"})
	if err != nil || pidOf(t, second) == pidOf(t, first) || !gone(pidOf(t, first)) {
		t.Fatalf("after exit: got %v, %v; want a new process", second, err)
	}
	_, _, err = f.call(t, "crashing", map[string]string{"action": "panic"})
	if !errors.As(err, &fe) || fe.Type != "string" || fe.Message != "boom" {
		t.Fatalf("panic: got %v", err)
	}
	third, _, err := f.call(t, "crashing", map[string]string{"action": "env"})
	if err != nil || pidOf(t, third) == pidOf(t, second) {
		t.Errorf("after a panic: got %v, %v; want a new process", third, err)
	}
}

// TestCommandConcurrency: parallel invocations all succeed in at most
// MaxConcurrency processes, that many running at once.
func TestCommandConcurrency(t *testing.T) {
	const max, calls = 2, 6
	f := newFixture(t, lambdafn.Command{Name: "parallel", MaxConcurrency: max, Timeout: 20 * time.Second})
	dir := t.TempDir()
	payload, _ := json.Marshal(map[string]any{"action": "barrier", "dir": dir, "n": max})
	results := make(chan lambdafn.Response, calls)
	var wg sync.WaitGroup
	for range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := f.inv.Invoke(context.Background(), lambdafn.Request{Function: "parallel", Payload: payload})
			if err != nil {
				t.Error(err)
			}
			results <- res
		}()
	}
	wg.Wait()
	close(results)
	seen := map[int]bool{}
	for res := range results {
		var out map[string]any
		if json.Unmarshal(res.Payload, &out) == nil {
			seen[pidOf(t, out)] = true
		}
	}
	if len(seen) != max || f.cmds.Processes("parallel") != max {
		t.Errorf("processes: %v, %d running; want %d", seen, f.cmds.Processes("parallel"), max)
	}
}

// TestCommandsClose: Close kills every process, idle or busy (whose
// invocation reports Runtime.ExitError), waits for them, and is
// idempotent; later invocations fail.
func TestCommandsClose(t *testing.T) {
	f := newFixture(t, lambdafn.Command{Name: "idle"}, lambdafn.Command{Name: "busy", Timeout: 60 * time.Second})
	idle, _, err := f.call(t, "idle", map[string]string{"action": "env"})
	if err != nil {
		t.Fatal(err)
	}
	busy, _, err := f.call(t, "busy", map[string]string{"action": "env"})
	if err != nil {
		t.Fatal(err)
	}
	result := make(chan error, 1)
	go func() {
		_, err := f.inv.Invoke(context.Background(), lambdafn.Request{Function: "busy", Payload: []byte(`{"action":"sleep","millis":60000}`)})
		result <- err
	}()
	f.lines.wait(t, "busy stdout: sleeping")
	if err := f.cmds.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range []int{pidOf(t, idle), pidOf(t, busy)} {
		if !gone(pid) {
			t.Errorf("process %d still running after Close", pid)
		}
	}
	var fe *lambdafn.FunctionError
	if err := <-result; !errors.As(err, &fe) || fe.Type != "Runtime.ExitError" || !strings.HasSuffix(fe.Message, "signal: killed") {
		t.Errorf("busy invocation: got %v", err)
	}
	if err := f.cmds.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, _, err := f.call(t, "idle", map[string]string{"action": "env"}); err == nil {
		t.Error("invocation after Close succeeded")
	}
}

// TestCommandRegister: Lambda's rules for a function's configuration.
func TestCommandRegister(t *testing.T) {
	c := lambdafn.NewCommands(lambdafn.CommandsConfig{})
	defer func() { _ = c.Close() }()
	for _, tc := range []struct {
		cmd  lambdafn.Command
		want string
	}{
		{lambdafn.Command{Name: "bad name", Path: bootstrap}, "not a function name"},
		{lambdafn.Command{Name: "nopath"}, "no path"},
		{lambdafn.Command{Name: "missing", Path: filepath.Join(t.TempDir(), "nothing")}, "no such file"},
		{lambdafn.Command{Name: "reserved", Path: bootstrap, Env: map[string]string{"AWS_REGION": "x", "OK": "y"}}, "Reserved keys used in this request: AWS_REGION"},
		{lambdafn.Command{Name: "long", Path: bootstrap, Timeout: 901 * time.Second}, "timeout"},
		{lambdafn.Command{Name: "small", Path: bootstrap, MemoryMB: 64}, "memory"},
	} {
		if err := c.Register(tc.cmd); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.cmd.Name, err, tc.want)
		}
	}
	if err := c.Register(lambdafn.Command{Name: "twice", Path: bootstrap}); err != nil {
		t.Fatal(err)
	}
	if err := c.Register(lambdafn.Command{Name: "twice", Path: bootstrap}); err == nil || !strings.Contains(err.Error(), "ResourceConflictException") {
		t.Errorf("twice: got %v", err)
	}
	if !c.Has("arn:aws:lambda:us-east-1:123456789012:function:twice:$LATEST") || c.Processes("twice") != 0 {
		t.Errorf("Has by qualified ARN, no process before an invocation")
	}
}

// TestInvokerOrder: a name registered in process and as a command runs in
// process; an Event invocation of a command answers 202.
func TestInvokerOrder(t *testing.T) {
	f := newFixture(t, lambdafn.Command{Name: "both"})
	reg := lambdafn.New(lambdafn.Config{})
	if err := reg.Register("both", func() (string, error) { return "in process", nil }); err != nil {
		t.Fatal(err)
	}
	inv := lambdafn.NewInvoker(lambdafn.InvokerConfig{Functions: reg, Commands: f.cmds})
	res, err := inv.Invoke(context.Background(), lambdafn.Request{Function: "both", Payload: []byte(`{}`)})
	if err != nil || res.Via != lambdafn.ViaInProcess || string(res.Payload) != `"in process"` {
		t.Errorf("both: got %+v, %v", res, err)
	}
	res, err = f.inv.Invoke(context.Background(), lambdafn.Request{Function: "both", Payload: []byte(`{"action":"env"}`), Type: lambdafn.Event})
	if err != nil || res.Via != lambdafn.ViaCommand || res.StatusCode != http.StatusAccepted {
		t.Errorf("event: got %+v, %v", res, err)
	}
}
