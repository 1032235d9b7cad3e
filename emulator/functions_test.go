package emulator_test

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/lambdafn"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/testkit"
)

// TestFunctionCommandFromRule: a topic rule's Lambda action reaches a real
// aws-lambda-go binary run as a command (through the Lambda Runtime API
// iotemu serves), and its result is in the action's record (lambdafn's
// own tests check that Close stops the process).
func TestFunctionCommandFromRule(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-o", bin, "./testdata/fn")
	build.Dir = filepath.Join("..", "lambdafn")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	emu := testkit.Start(t,
		testkit.WithFunctionCommand(lambdafn.Command{Name: "telemetry", Path: bin, Timeout: 10 * time.Second}),
		testkit.WithTopicRule("toLambda", `{"sql":"SELECT 'env' AS action FROM 'fn/in'","actions":[{"lambda":{"functionArn":"arn:aws:lambda:us-east-1:123456789012:function:telemetry"}}]}`),
	)
	emu.Publish(t, emulator.Message{Topic: "fn/in", Payload: []byte(`{}`), QoS: 1})
	rec, err := emu.Server().WaitActionRecord(t.Context(), func(r rules.ActionRecord) bool { return r.Rule == "toLambda" })
	if err != nil {
		t.Fatalf("no action record: %v", err)
	}
	got, _ := json.Marshal(rec)
	if rec.Error != "" || !strings.Contains(string(got), `"via":"command"`) || !strings.Contains(string(got), `AWS_LAMBDA_FUNCTION_NAME`) {
		t.Errorf("record %s, want the command's result", got)
	}
}
