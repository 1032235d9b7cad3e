package emulator_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/testkit"
)

// postRule sends a raw CreateTopicRule request and returns the status and
// the x-amzn-ErrorType.
func postRule(t *testing.T, emu *testkit.Emulator, method, name, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, emu.Endpoint()+"/rules/"+name, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, strings.TrimSuffix(resp.Header.Get("x-amzn-ErrorType"), ":")
}

// TestTopicRulePayloadHostile: malformed bodies are 400
// InvalidRequestException and leave no rule behind.
func TestTopicRulePayloadHostile(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	const rp = `{"republish":{"roleArn":"arn:r","topic":"o"}}`
	for name, body := range map[string]string{
		"empty":             ``,
		"not JSON":          `SELECT * FROM 'a'`,
		"array":             `[]`,
		"null":              `null`,
		"truncated":         `{"sql":"SELECT * FROM 'a'","actions":[`,
		"trailing data":     `{"sql":"SELECT * FROM 'a'","actions":[]} {}`,
		"no sql":            `{"actions":[]}`,
		"no actions":        `{"sql":"SELECT * FROM 'a'"}`,
		"sql not a string":  `{"sql":5,"actions":[]}`,
		"action not object": `{"sql":"SELECT * FROM 'a'","actions":[5]}`,
		"two action types":  `{"sql":"SELECT * FROM 'a'","actions":[{"republish":{"roleArn":"r","topic":"o"},"lambda":{"functionArn":"f"}}]}`,
		"unknown type":      `{"sql":"SELECT * FROM 'a'","actions":[{"teleport":{}}]}`,
		"empty action":      `{"sql":"SELECT * FROM 'a'","actions":[{}]}`,
		"no topic":          `{"sql":"SELECT * FROM 'a'","actions":[{"republish":{"roleArn":"r"}}]}`,
		"qos 2":             `{"sql":"SELECT * FROM 'a'","actions":[{"republish":{"roleArn":"r","topic":"o","qos":2}}]}`,
		"11 actions":        `{"sql":"SELECT * FROM 'a'","actions":[` + strings.Repeat(rp+",", 10) + rp + `]}`,
		"bad sql version":   `{"sql":"SELECT * FROM 'a'","awsIotSqlVersion":"2099-01-01","actions":[]}`,
		"bad error action":  `{"sql":"SELECT * FROM 'a'","actions":[],"errorAction":{"x":{}}}`,
		"deep nesting":      `{"sql":"SELECT * FROM 'a'","actions":[],"description":` + strings.Repeat("[", 100000) + `}`,
	} {
		status, typ := postRule(t, emu, http.MethodPost, "hostile", body)
		if status != http.StatusBadRequest || typ != "InvalidRequestException" {
			t.Errorf("%s: got %d %s, want 400 InvalidRequestException", name, status, typ)
		}
	}
	// A substitution template is an expression: a bad one is a parse error.
	badTemplate := `{"sql":"SELECT * FROM 'a'","actions":[{"republish":{"roleArn":"r","topic":"${(}"}}]}`
	if status, typ := postRule(t, emu, http.MethodPost, "hostile", badTemplate); status != http.StatusBadRequest || typ != "SqlParseException" {
		t.Errorf("bad template: got %d %s, want 400 SqlParseException", status, typ)
	}
	if n := len(emu.Server().Rules().List()); n != 0 {
		t.Fatalf("%d rules created by malformed requests", n)
	}
	if status, _ := postRule(t, emu, http.MethodPost, "big", strings.Repeat(" ", 2<<20)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: got %d, want 413", status)
	}
}

// TestTopicRuleHugeSQL: a very long statement is parsed or rejected, never
// crashes the server, and the server still answers afterwards.
func TestTopicRuleHugeSQL(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	long := `{"sql":"SELECT ` + strings.Repeat("a + ", 50000) + `a AS s FROM 'x'","actions":[]}`
	if status, typ := postRule(t, emu, http.MethodPost, "long", long); status != http.StatusOK && typ != "SqlParseException" {
		t.Errorf("50k-term SQL: got %d %s", status, typ)
	}
	deep := `{"sql":"SELECT ` + strings.Repeat("(", 50000) + "1" + strings.Repeat(")", 50000) + ` AS s FROM 'x'","actions":[]}`
	if status, typ := postRule(t, emu, http.MethodPost, "deep", deep); status != http.StatusOK && typ != "SqlParseException" {
		t.Errorf("50k-deep SQL: got %d %s", status, typ)
	}
	if status, _ := postRule(t, emu, http.MethodPost, "after", `{"sql":"SELECT * FROM 'x'","actions":[]}`); status != http.StatusOK {
		t.Fatalf("create after huge SQL: got %d", status)
	}
}

// TestRuleNonJSONPayloads: binary and malformed JSON payloads reach a rule
// without breaking it: SELECT * passes the bytes, field access is
// Undefined (omitted), and the next JSON message still works.
func TestRuleNonJSONPayloads(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	rec := &rules.Recorder{}
	if err := emu.Server().Rules().Add(rules.Rule{Name: "star", SQL: "SELECT * FROM 'bin/+'", Actions: []rules.Action{rec}}); err != nil {
		t.Fatal(err)
	}
	fields := &rules.Recorder{}
	if err := emu.Server().Rules().Add(rules.Rule{Name: "field", SQL: "SELECT a, topic() AS t FROM 'bin/+'", Actions: []rules.Action{fields}}); err != nil {
		t.Fatal(err)
	}
	pub := emu.Connect(t, "pub")
	payloads := [][]byte{{0, 0xff, 0xfe}, []byte(`{"a":`), []byte(`{"a":1}`)}
	for _, p := range payloads {
		pub.Publish(t, "bin/x", 1, false, p)
	}
	outs, err := rec.WaitN(len(payloads), wait)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range outs {
		if string(o.Payload) != string(payloads[i]) {
			t.Errorf("SELECT * of %q: got %q", payloads[i], o.Payload)
		}
	}
	fouts, err := fields.WaitN(len(payloads), wait)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{`{"t":"bin/x"}`, `{"t":"bin/x"}`, `{"a":1,"t":"bin/x"}`} {
		if string(fouts[i].Payload) != want {
			t.Errorf("SELECT a of %q: got %s, want %s", payloads[i], fouts[i].Payload, want)
		}
	}
}
