package emulator_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/testkit"
)

type reading struct {
	Device string  `json:"device"`
	Temp   float64 `json:"temp"`
}

// TestLambdaPublishesBack: end to end, a device's message fires a rule
// whose Lambda (an aws-lambda-go handler, in-process) publishes back
// through the iot-data Publish API with the SDK, and a subscriber gets it.
func TestLambdaPublishesBack(t *testing.T) {
	t.Parallel()
	var data atomic.Pointer[iotdataplane.Client]
	handler := func(ctx context.Context, r reading) (string, error) {
		_, err := data.Load().Publish(ctx, &iotdataplane.PublishInput{
			Topic: aws.String("alerts/" + r.Device), Qos: 1, Payload: []byte(`{"hot":` + jsonNumber(r.Temp) + `}`),
		})
		return "published", err
	}
	emu := testkit.Start(t, testkit.WithLambda("notify", handler), testkit.WithTopicRule("hot", `{
		"sql": "SELECT topic(2) AS device, temp FROM 'sensors/+' WHERE temp > 30",
		"awsIotSqlVersion": "2016-03-23",
		"actions": [{"lambda": {"functionArn": "arn:aws:lambda:us-east-1:123456789012:function:notify"}}]
	}`))
	data.Store(dataClient(emu))
	alerts := emu.Connect(t, "dashboard").Subscribe(t, "alerts/#", 1)
	emu.Connect(t, "d1").Publish(t, "sensors/d1", 1, false, []byte(`{"temp":35.5}`))

	if m := alerts.Next(t, 5*time.Second); m.Topic != "alerts/d1" || string(m.Payload) != `{"hot":35.5}` {
		t.Fatalf("got %s %s", m.Topic, m.Payload)
	}
	rec := emu.WaitActionRecord(t, "hot", "lambda", 5*time.Second)
	if res, _ := json.Marshal(rec.Result); rec.Err != nil || !strings.Contains(string(res), `"Payload":"published"`) {
		t.Errorf("record: %s, %v", res, rec.Err)
	}
}

func jsonNumber(f float64) string { b, _ := json.Marshal(f); return string(b) }

// TestErrorActionOverMQTT: an action failing against an unreachable
// endpoint makes the error action republish AWS's error payload.
// AWS: rule-error-handling.html.
func TestErrorActionOverMQTT(t *testing.T) {
	t.Parallel()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + ln.Addr().String()
	_ = ln.Close()
	emu := testkit.Start(t, testkit.WithAWSEndpoint(dead), testkit.WithTopicRule("TestAction", `{
		"sql": "SELECT * FROM 'testme/action'",
		"actions": [{"s3": {"roleArn": "r", "bucketName": "us-east-1-s3-verify-user", "key": "${topic()}"}}],
		"errorAction": {"republish": {"roleArn": "r", "topic": "errors/${topic(1)}"}}
	}`))
	errs := emu.Connect(t, "ops").Subscribe(t, "errors/#", 1)
	payload := []byte(`{"message":"Hello vrom AWS IoT console"}`)
	emu.Connect(t, "iotconsole-1").Publish(t, "testme/action", 1, false, payload)

	m := errs.Next(t, 5*time.Second)
	var p rules.ErrorPayload
	if err := json.Unmarshal(m.Payload, &p); err != nil || m.Topic != "errors/testme" {
		t.Fatalf("%s %s: %v", m.Topic, m.Payload, err)
	}
	if p.RuleName != "TestAction" || p.Topic != "testme/action" || p.ClientID != "iotconsole-1" || len(p.CloudwatchTraceID) != 36 ||
		p.Base64OriginalPayload != base64.StdEncoding.EncodeToString(payload) || len(p.Failures) != 1 ||
		p.Failures[0].FailedAction != "S3Action" || p.Failures[0].FailedResource != "us-east-1-s3-verify-user" ||
		!strings.HasPrefix(p.Failures[0].ErrorMessage, "Failed to put S3 object. The error received was ") {
		t.Errorf("error payload = %s", m.Payload)
	}
	// The error action's own record is stored after its message is published.
	emu.WaitActionRecord(t, "TestAction", "republish", 5*time.Second)
	recs := emu.ActionRecords(t, "TestAction")
	if len(recs) != 2 || recs[0].Type != "s3" || recs[0].Error == "" || !recs[1].ErrorAction || recs[1].Type != "republish" {
		t.Errorf("records = %+v", recs)
	}
}

// TestActionRecordsHTTP: GET /iotemu/actions?rule= lists a rule's records
// as JSON (an iotemu extension).
func TestActionRecordsHTTP(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithTopicRule("q", `{"sql": "SELECT * FROM 'a'",
		"actions": [{"sqs": {"roleArn": "r", "queueUrl": "https://q/1", "useBase64": false}}]}`))
	emu.Connect(t, "c").Publish(t, "a", 1, false, []byte(`{"v":1}`))
	emu.WaitActionRecord(t, "q", "sqs", 5*time.Second)
	resp, err := http.Get(emu.Endpoint() + "/iotemu/actions?rule=q")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Records []map[string]any `json:"records"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Records) != 1 {
		t.Fatalf("%v %+v", err, out)
	}
	r := out.Records[0]
	req, _ := json.Marshal(r["request"])
	if r["rule"] != "q" || r["type"] != "sqs" || r["resource"] != "https://q/1" ||
		string(req) != `{"input":{"DelaySeconds":0,"MessageBody":"{\"v\":1}","QueueUrl":"https://q/1"},"operation":"SendMessage","service":"sqs"}` {
		t.Errorf("record = %v, request %s", r, req)
	}
}

// allActions is a TopicRulePayload with every action type iotemu runs, in
// AWS's JSON shapes (aws-sdk-go-v2 service/iot v1.75.0 types).
const allActions = `{"sql":"SELECT * FROM 'all'","awsIotSqlVersion":"2016-03-23","actions":[` +
	`{"lambda":{"functionArn":"arn:aws:lambda:us-east-1:123456789012:function:f"}},` +
	`{"http":{"url":"https://example.com/x/${topic()}","confirmationUrl":"https://example.com/x","headers":[{"key":"k","value":"${clientid()}"}],"auth":{"sigv4":{"signingRegion":"us-east-1","serviceName":"execute-api","roleArn":"r"}}}},` +
	`{"sqs":{"roleArn":"r","queueUrl":"https://q","useBase64":true}},` +
	`{"sns":{"roleArn":"r","targetArn":"arn:aws:sns:us-east-1:123456789012:t","messageFormat":"JSON"}},` +
	`{"dynamoDB":{"roleArn":"r","tableName":"t","hashKeyField":"h","hashKeyValue":"${topic()}","hashKeyType":"STRING","rangeKeyField":"r","rangeKeyValue":"${timestamp()}","rangeKeyType":"NUMBER","payloadField":"p","operation":"INSERT"}},` +
	`{"dynamoDBv2":{"roleArn":"r","putItem":{"tableName":"t"}}},` +
	`{"kinesis":{"roleArn":"r","streamName":"s","partitionKey":"${newuuid()}"}},` +
	`{"firehose":{"roleArn":"r","deliveryStreamName":"f","separator":"\n","batchMode":false}},` +
	`{"s3":{"roleArn":"r","bucketName":"b","key":"${topic()}","cannedAcl":"private"}},` +
	`{"cloudwatchMetric":{"roleArn":"r","metricNamespace":"n","metricName":"m","metricValue":"1","metricUnit":"Count","metricTimestamp":"${timestamp()}"}}],` +
	`"errorAction":{"stepFunctions":{"roleArn":"r","stateMachineName":"sm","executionNamePrefix":"p"}}}`

// TestControlPlaneActionShapes: CreateTopicRule accepts every action type
// and GetTopicRule returns them unchanged; a missing required member is
// InvalidRequestException.
func TestControlPlaneActionShapes(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	second := `{"sql":"SELECT * FROM 'b'","actions":[{"cloudwatchLogs":{"roleArn":"r","logGroupName":"g","batchMode":true}},` +
		`{"timestream":{"roleArn":"r","databaseName":"d","tableName":"t","dimensions":[{"name":"n","value":"${topic()}"}],"timestamp":{"value":"${timestamp()}","unit":"MILLISECONDS"}}}]}`
	for name, body := range map[string]string{"all": allActions, "more": second} {
		if code, out := call(t, http.MethodPost, emu.Endpoint()+"/rules/"+name, body); code != 200 {
			t.Fatalf("create %s: %d %s", name, code, out)
		}
		_, out := call(t, http.MethodGet, emu.Endpoint()+"/rules/"+name, "")
		var got struct {
			Rule struct {
				Actions     []json.RawMessage `json:"actions"`
				ErrorAction json.RawMessage   `json:"errorAction"`
			} `json:"rule"`
		}
		var want struct {
			Actions     []json.RawMessage `json:"actions"`
			ErrorAction json.RawMessage   `json:"errorAction"`
		}
		_ = json.Unmarshal([]byte(out), &got)
		_ = json.Unmarshal([]byte(body), &want)
		if g, w := compact(t, got.Rule.Actions), compact(t, want.Actions); g != w {
			t.Errorf("%s actions\n got %s\nwant %s", name, g, w)
		}
		if string(got.Rule.ErrorAction) != string(want.ErrorAction) {
			t.Errorf("%s errorAction = %s", name, got.Rule.ErrorAction)
		}
	}
	for body, msg := range map[string]string{
		`{"sql":"SELECT * FROM 'a'","actions":[{"sqs":{"roleArn":"r"}}]}`:                             "Value null at 'topicRulePayload.actions.1.sqs.queueUrl' failed to satisfy constraint: Member must not be null",
		`{"sql":"SELECT * FROM 'a'","actions":[{"http":{"url":"https://x/${topic()}"}}]}`:             "confirmationUrl is required",
		`{"sql":"SELECT * FROM 'a'","actions":[{"s3":{"bucketName":"b","key":"k","cannedAcl":"x"}}]}`: "cannedAcl",
	} {
		code, out := call(t, http.MethodPost, emu.Endpoint()+"/rules/bad", body)
		if code != 400 || !strings.Contains(out, msg) {
			t.Errorf("%s: %d %s, want 400 %q", body, code, out, msg)
		}
	}
}

func call(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func compact(t *testing.T, v []json.RawMessage) string {
	t.Helper()
	b, _ := json.Marshal(v)
	var buf bytes.Buffer
	_ = json.Compact(&buf, b)
	return buf.String()
}
