package rules_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/iotemu/iotemu/rules"
)

// failing is a Go action that fails and reports a type and resource, as
// the actions of rules/actions do.
type failing struct{ kind, resource string }

func (f failing) Do(ctx context.Context, out rules.Output) error {
	_, err := f.Execute(ctx, out)
	return err
}

func (f failing) Execute(context.Context, rules.Output) (rules.Report, error) {
	return rules.Report{Type: f.kind, Resource: f.resource}, errors.New("boom " + f.resource)
}

// TestErrorActionPayload: two failing actions give one error action message
// with AWS's members and both failures, the error action's templates see
// the original message, and every execution is reported to OnAction.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/rule-error-handling.html#rule-error-message-format
func TestErrorActionPayload(t *testing.T) {
	var mu sync.Mutex
	var recs []rules.ActionRecord
	e, err := rules.NewEngine(rules.Config{OnAction: func(r rules.ActionRecord) {
		mu.Lock()
		defer mu.Unlock()
		recs = append(recs, r)
	}})
	if err != nil {
		t.Fatal(err)
	}
	errRec := &rules.Recorder{}
	ok := &rules.Recorder{}
	if err := e.Add(rules.Rule{
		Name: "TestAction", SQL: "SELECT * FROM 'testme/action'",
		Actions:     []rules.Action{failing{"s3", "my-bucket"}, ok, failing{"sqs", "https://q"}},
		ErrorAction: errRec,
	}); err != nil {
		t.Fatal(err)
	}
	payload := []byte(`{"message":"Hello"}`)
	m := rules.Message{Topic: "testme/action", Payload: payload, ClientID: "c1", TraceID: "7e146a2c-95b5-6caf-98b9-50e3969734c7", Timestamp: time.Unix(1, 0)}
	res, err := e.Handle(context.Background(), m)
	if err != nil || len(res) != 1 || len(res[0].ActionErrors) != 2 {
		t.Fatalf("Handle = %+v, %v", res, err)
	}
	outs, err := errRec.WaitN(1, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var got rules.ErrorPayload
	if err := json.Unmarshal(outs[0].Payload, &got); err != nil {
		t.Fatal(err)
	}
	want := rules.ErrorPayload{
		RuleName: "TestAction", Topic: "testme/action", CloudwatchTraceID: m.TraceID, ClientID: "c1",
		Base64OriginalPayload: base64.StdEncoding.EncodeToString(payload),
		Failures: []rules.Failure{
			{FailedAction: "S3Action", FailedResource: "my-bucket", ErrorMessage: "boom my-bucket"},
			{FailedAction: "SqsAction", FailedResource: "https://q", ErrorMessage: "boom https://q"},
		},
	}
	if gj, wj := mustJSON(t, got), mustJSON(t, want); gj != wj {
		t.Errorf("error payload\n got %s\nwant %s", gj, wj)
	}
	var keys map[string]json.RawMessage
	_ = json.Unmarshal(outs[0].Payload, &keys)
	for _, k := range []string{"ruleName", "topic", "cloudwatchTraceId", "clientId", "base64OriginalPayload", "failures"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("error payload has no %q: %s", k, outs[0].Payload)
		}
	}
	if string(outs[0].Message.Payload) != string(payload) {
		t.Errorf("error action's message = %s, want the original", outs[0].Message.Payload)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(recs) != 4 || recs[0].Type != "s3" || recs[0].Error == "" || recs[1].Error != "" || !recs[3].ErrorAction {
		t.Errorf("records = %+v", recs)
	}
}

// TestErrorActionNotOnSuccess: no failure, no error action.
func TestErrorActionNotOnSuccess(t *testing.T) {
	e, _ := rules.NewEngine(rules.Config{})
	errRec := &rules.Recorder{}
	if err := e.Add(rules.Rule{Name: "r", SQL: "SELECT * FROM 'a'", Actions: []rules.Action{&rules.Recorder{}}, ErrorAction: errRec}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Handle(context.Background(), rules.Message{Topic: "a", Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if n := len(errRec.Outputs()); n != 0 {
		t.Errorf("error action ran %d times", n)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
