package emulator_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/testkit"
)

// fakeAWS answers DynamoDB GetItem and Secrets Manager GetSecretValue as
// the services do (awsJson 1.0/1.1, X-Amz-Target) and remembers the
// requests.
type fakeAWS struct {
	mu   sync.Mutex
	seen []string
}

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	target := r.Header.Get("X-Amz-Target")
	f.mu.Lock()
	f.seen = append(f.seen, target+" "+string(b))
	f.mu.Unlock()
	switch {
	case !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 "):
		w.WriteHeader(http.StatusForbidden)
	case target == "DynamoDB_20120810.GetItem" && strings.Contains(string(b), `"dev1"`):
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = io.WriteString(w, `{"Item":{"id":{"S":"dev1"},"limit":{"N":"42"},"tags":{"L":[{"S":"a"},{"BOOL":true}]}}}`)
	case target == "DynamoDB_20120810.GetItem":
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = io.WriteString(w, `{}`)
	case target == "secretsmanager.GetSecretValue":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = io.WriteString(w, `{"Name":"api","SecretString":"{\"key\":\"s3cr3t\"}"}`)
	default:
		w.WriteHeader(http.StatusBadRequest)
	}
}

const roleARN = "arn:aws:iam::123456789012:role/r"

// TestRuleExternalFunctions: aws_lambda runs an in-process function
// through the one invoker, get_dynamodb and get_secret reach the
// configured AWS endpoint, get_registry_data reads the registry; each call
// is recorded like an action.
func TestRuleExternalFunctions(t *testing.T) {
	t.Parallel()
	fake := &fakeAWS{}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	emu := testkit.Start(t, testkit.WithAWSEndpoint(srv.URL),
		testkit.WithLambda("enrich", func(_ context.Context, in map[string]any) (map[string]any, error) {
			return map[string]any{"doubled": in["v"].(float64) * 2}, nil
		}),
		testkit.WithTopicRule("ext", `{"sql":"SELECT aws_lambda('arn:aws:lambda:us-east-1:123456789012:function:enrich', {'v': v}).doubled AS doubled, get_dynamodb('limits', 'id', topic(2), '`+roleARN+`').limit AS limit, get_secret('api', 'SecretString', 'key', '`+roleARN+`') AS secret, get_registry_data('DescribeThing', topic(2), '`+roleARN+`').attributes.color AS color FROM 'ext/+'","awsIotSqlVersion":"2016-03-23",
		  "actions":[{"republish":{"roleArn":"`+roleARN+`","topic":"result/ext","qos":1}}]}`))
	if _, err := emu.Registry().CreateThing(registry.CreateThingInput{Name: "dev1", Attributes: map[string]string{"color": "red"}}); err != nil {
		t.Fatal(err)
	}
	c := emu.Connect(t, "c")
	out := c.Subscribe(t, "result/ext", 1)
	c.Publish(t, "ext/dev1", 1, false, []byte(`{"v":21}`))
	var got map[string]any
	if err := json.Unmarshal(out.Next(t, wait).Payload, &got); err != nil {
		t.Fatal(err)
	}
	if got["doubled"] != float64(42) || got["limit"] != float64(42) || got["secret"] != "s3cr3t" || got["color"] != "red" {
		t.Fatalf("output %v", got)
	}
	for _, fn := range []string{"aws_lambda", "get_dynamodb", "get_secret", "get_registry_data"} {
		rec := emu.WaitActionRecord(t, "ext", fn, wait)
		req, _ := rec.Request.(rules.ExternalRequest)
		if rec.Error != "" || req.Function != fn || rec.Result == nil {
			t.Errorf("%s record %+v", fn, rec)
		}
	}
	fake.mu.Lock()
	seen := strings.Join(fake.seen, "\n")
	fake.mu.Unlock()
	if !strings.Contains(seen, `DynamoDB_20120810.GetItem {"Key":{"id":{"S":"dev1"}},"TableName":"limits"}`) || !strings.Contains(seen, `secretsmanager.GetSecretValue {"SecretId":"api"}`) {
		t.Errorf("requests sent:\n%s", seen)
	}

	// A missing item and a missing thing are Undefined: the output lacks them.
	c.Publish(t, "ext/ghost", 1, false, []byte(`{"v":1}`))
	got = nil
	if err := json.Unmarshal(out.Next(t, wait).Payload, &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["limit"]; ok || got["doubled"] != float64(2) || got["color"] != nil {
		t.Errorf("missing item and thing: %v", got)
	}
}

// TestRuleExternalFunctionsNotConfigured: without an AWS endpoint nor the
// function, each call is recorded as not sent and its result is Undefined;
// the rule still acts.
func TestRuleExternalFunctionsNotConfigured(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithTopicRule("ext", `{"sql":"SELECT v, aws_lambda('missing', *) AS l, get_dynamodb('t', 'id', 'k', '`+roleARN+`') AS d, get_secret('s', 'SecretString', '`+roleARN+`') AS s FROM 'nc/in'","awsIotSqlVersion":"2016-03-23",
	  "actions":[{"republish":{"roleArn":"`+roleARN+`","topic":"nc/out","qos":1}}]}`))
	c := emu.Connect(t, "c")
	out := c.Subscribe(t, "nc/out", 1)
	c.Publish(t, "nc/in", 1, false, []byte(`{"v":1}`))
	if got := string(out.Next(t, wait).Payload); got != `{"v":1}` {
		t.Errorf("output %s, want only v", got)
	}
	for _, fn := range []string{"aws_lambda", "get_dynamodb", "get_secret"} {
		rec := emu.WaitActionRecord(t, "ext", fn, wait)
		if !strings.Contains(rec.Error, "not sent: no endpoint configured") {
			t.Errorf("%s record error %q", fn, rec.Error)
		}
	}
}
