package lambdafn_test

import (
	"errors"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/iotemu/iotemu/lambdafn"
)

// TestCommandCustomRuntime: a Python program speaking the Runtime API is
// a function too: its response, its /error document with the type of
// Lambda-Runtime-Function-Error-Type, and an /init/error reported as the
// invocation's error.
func TestCommandCustomRuntime(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	script, err := filepath.Abs("testdata/python/bootstrap")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t,
		lambdafn.Command{Name: "py", Path: script, Handler: "app.handler"},
		lambdafn.Command{Name: "pyinit", Path: script, Env: map[string]string{"FAIL_INIT": "1"}})
	out, res, err := f.call(t, "py", map[string]string{"action": "echo"})
	if err != nil || res.Via != lambdafn.ViaCommand {
		t.Fatalf("got %+v, %v", res, err)
	}
	if echo, _ := out["echo"].(map[string]any); echo["action"] != "echo" || out["handler"] != "app.handler" {
		t.Errorf("result %v", out)
	}
	f.lines.wait(t, "py stdout: handling req-1")
	_, res, err = f.call(t, "py", map[string]string{"action": "fail"})
	var fe *lambdafn.FunctionError
	if !errors.As(err, &fe) || fe.Type != "ValueError" || fe.Message != "bad input" || res.FunctionError != "Unhandled" ||
		string(res.Payload) != `{"errorMessage": "bad input", "errorType": "ValueError", "stackTrace": []}` {
		t.Errorf("function error: got %+v (%s), %v", res, res.Payload, err)
	}
	_, _, err = f.call(t, "pyinit", map[string]string{})
	if !errors.As(err, &fe) || fe.Type != "Runtime.ImportModuleError" || fe.Message != "cannot start" {
		t.Errorf("init error: got %v", err)
	}
}
