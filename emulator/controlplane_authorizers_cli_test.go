package emulator_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/testkit"
)

// TestAuthorizersAWSCLI: create-authorizer, describe-authorizer,
// set-default-authorizer, list-authorizers and test-invoke-authorizer with
// Debian's awscli (permissive mode, so the CLI's dummy credentials pass).
func TestAuthorizersAWSCLI(t *testing.T) {
	t.Parallel()
	fn := &authFn{calls: map[string]int{}}
	emu := testkit.Start(t, testkit.WithLambda("authfn", fn.handle))
	cli := func(args ...string) map[string]any {
		t.Helper()
		out, err := runAWS(t, emu, args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		var m map[string]any
		if strings.TrimSpace(out) != "" {
			if err := json.Unmarshal([]byte(out), &m); err != nil {
				t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		return m
	}
	out := cli("iot", "create-authorizer", "--authorizer-name", "cli", "--authorizer-function-arn", "authfn",
		"--token-key-name", "token", "--signing-disabled", "--status", "ACTIVE")
	if out["authorizerArn"] != "arn:aws:iot:us-east-1:123456789012:authorizer/cli" {
		t.Fatalf("create-authorizer: %v", out)
	}
	d := cli("iot", "describe-authorizer", "--authorizer-name", "cli")["authorizerDescription"].(map[string]any)
	if d["status"] != "ACTIVE" || d["signingDisabled"] != true || d["tokenKeyName"] != "token" {
		t.Fatalf("describe-authorizer: %v", d)
	}
	cli("iot", "set-default-authorizer", "--authorizer-name", "cli")
	if l := cli("iot", "list-authorizers")["authorizers"].([]any); len(l) != 1 {
		t.Fatalf("list-authorizers: %v", l)
	}
	res := cli("iot", "test-invoke-authorizer", "--authorizer-name", "cli", "--token", "lena")
	if res["isAuthenticated"] != true || res["principalId"] != "lena" || len(res["policyDocuments"].([]any)) != 1 {
		t.Fatalf("test-invoke-authorizer: %v", res)
	}
	if out, err := runAWS(t, emu, "iot", "delete-authorizer", "--authorizer-name", "cli"); err == nil || !strings.Contains(out, "DeleteConflictException") {
		t.Fatalf("delete-authorizer of an ACTIVE authorizer: %v %s", err, out)
	}
}
