package emulator_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/testkit"
)

// runAWS runs the AWS CLI against the emulator and returns its output.
func runAWS(t *testing.T, emu *testkit.Emulator, args ...string) (string, error) {
	t.Helper()
	return runAWSAt(t, emu.Endpoint(), args...)
}

// TestTopicRulesAWSCLI drives every topic rule command of Debian's awscli:
// create from a file, get, list with pagination, replace, disable, enable,
// delete, and the errors for invalid SQL, an invalid name and a duplicate.
func TestTopicRulesAWSCLI(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	inbox := emu.Connect(t, "sub").Subscribe(t, "cli/out", 1)
	file := filepath.Join(t.TempDir(), "rule.json")
	writePayload := func(sql string) {
		payload := map[string]any{"sql": sql, "awsIotSqlVersion": "2016-03-23", "actions": []any{
			map[string]any{"republish": map[string]any{"roleArn": "arn:aws:iam::123456789012:role/r", "topic": "cli/out", "qos": 1}},
		}}
		b, _ := json.Marshal(payload)
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	must := func(args ...string) string {
		t.Helper()
		out, err := runAWS(t, emu, args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	writePayload("SELECT v FROM 'cli/in'")
	for _, name := range []string{"r1", "r2", "r3"} {
		must("iot", "create-topic-rule", "--rule-name", name, "--topic-rule-payload", "file://"+file)
	}
	var got struct {
		RuleArn string
		Rule    struct {
			RuleName, Sql, AwsIotSqlVersion string
			RuleDisabled                    bool
		}
	}
	if err := json.Unmarshal([]byte(must("iot", "get-topic-rule", "--rule-name", "r1")), &got); err != nil {
		t.Fatal(err)
	}
	if got.RuleArn != "arn:aws:iot:us-east-1:123456789012:rule/r1" || got.Rule.Sql != "SELECT v FROM 'cli/in'" || got.Rule.AwsIotSqlVersion != "2016-03-23" {
		t.Fatalf("get-topic-rule: %+v", got)
	}
	// The CLI follows nextToken itself; --page-size makes it ask for pages of one.
	var list struct{ Rules []struct{ RuleName string } }
	if err := json.Unmarshal([]byte(must("iot", "list-topic-rules", "--page-size", "1")), &list); err != nil || len(list.Rules) != 3 {
		t.Fatalf("list-topic-rules: %v %+v", err, list)
	}
	must("iot", "delete-topic-rule", "--rule-name", "r2")
	must("iot", "delete-topic-rule", "--rule-name", "r3")
	writePayload("SELECT v * 10 AS w FROM 'cli/in'")
	must("iot", "replace-topic-rule", "--rule-name", "r1", "--topic-rule-payload", "file://"+file)
	must("iot", "disable-topic-rule", "--rule-name", "r1")
	must("iot", "enable-topic-rule", "--rule-name", "r1")
	emu.Connect(t, "pub").Publish(t, "cli/in", 1, false, []byte(`{"v":4}`))
	if m := inbox.Next(t, wait); string(m.Payload) != `{"w":40}` {
		t.Fatalf("republished %s, want {\"w\":40}", m.Payload)
	}

	writePayload("SELECT FROM WHERE")
	for args, want := range map[string]string{
		"create-topic-rule --rule-name bad --topic-rule-payload file://" + file:                             "SqlParseException",
		"create-topic-rule --rule-name my-rule --topic-rule-payload file://" + file:                         "InvalidRequestException",
		"replace-topic-rule --rule-name r1 --topic-rule-payload file://" + file:                             "SqlParseException",
		"get-topic-rule --rule-name r2":                                                                     "UnauthorizedException",
		"create-topic-rule --rule-name r1 --topic-rule-payload {\"sql\":\"SELECT*FROM'a'\",\"actions\":[]}": "ResourceAlreadyExistsException",
	} {
		out, err := runAWS(t, emu, append([]string{"iot"}, strings.Fields(args)...)...)
		if err == nil || !strings.Contains(out, want) {
			t.Errorf("aws iot %s: got %v %q, want an error naming %s", args, err, out, want)
		}
	}
}
