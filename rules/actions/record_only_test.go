package actions_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iotemu/iotemu/rules"
)

// recordOnlyCases are the action types iotemu has no client for: each
// records the request AWS would send, templates rendered, and says so.
var recordOnlyCases = []struct {
	kind, body, resource, request string
}{
	{"elasticsearch", `{"roleArn":"r","endpoint":"https://es.example","index":"idx-${topic(2)}","type":"${'reading'}","id":"${newuuid()}"}`, "https://es.example",
		`{"service":"es","operation":"ESHttpPut","input":{"body":"{\"id\":\"d1\",\"temp\":21.5,\"batch\":[{\"a\":1},{\"a\":2}]}","method":"PUT","url":"https://es.example/idx-d1/reading/00000000-0000-4000-8000-000000000000"}}`},
	{"openSearch", `{"roleArn":"r","endpoint":"https://os.example/","index":"${topic()}","type":"t","id":"${id}"}`, "https://os.example/",
		`{"service":"es","operation":"ESHttpPut","input":{"body":"{\"id\":\"d1\",\"temp\":21.5,\"batch\":[{\"a\":1},{\"a\":2}]}","method":"PUT","url":"https://os.example/fleet%2Fd1%2Ftelemetry/t/d1"}}`},
	{"iotAnalytics", `{"roleArn":"r","channelName":"ch_${topic(2)}"}`, "ch_d1",
		`{"service":"iotanalytics","operation":"BatchPutMessage","input":{"channelName":"ch_d1","messages":[{"messageId":"11111111-1111-4111-8111-111111111111","payload":"eyJpZCI6ImQxIiwidGVtcCI6MjEuNSwiYmF0Y2giOlt7ImEiOjF9LHsiYSI6Mn1dfQ=="}]}}`},
	{"iotEvents", `{"roleArn":"r","inputName":"in_${topic(2)}","messageId":"${id}-${timestamp()}"}`, "in_d1",
		`{"service":"iotevents-data","operation":"BatchPutMessage","input":{"messages":[{"inputName":"in_d1","messageId":"d1-1767323045000","payload":"eyJpZCI6ImQxIiwidGVtcCI6MjEuNSwiYmF0Y2giOlt7ImEiOjF9LHsiYSI6Mn1dfQ=="}]}}`},
	{"iotSiteWise", `{"roleArn":"r","putAssetPropertyValueEntries":[{"propertyAlias":"/fleet/${topic(2)}/temp","propertyValues":[{"value":{"doubleValue":"${temp}"},"timestamp":{"timeInSeconds":"${floor(timestamp() / 1E3)}","offsetInNanos":"${(timestamp() % 1E3) * 1E6}"},"quality":"GOOD"}]}]}`, "/fleet/d1/temp",
		`{"service":"iotsitewise","operation":"BatchPutAssetPropertyValue","input":{"entries":[{"propertyAlias":"/fleet/d1/temp","propertyValues":[{"quality":"GOOD","timestamp":{"offsetInNanos":"0","timeInSeconds":"1767323045"},"value":{"doubleValue":"21.5"}}]}]}}`},
	{"kafka", `{"destinationArn":"arn:aws:iot:us-east-1:123456789012:ruledestination/vpc/v","topic":"t-${topic(2)}","key":"${id}","partition":"${'0'}","clientProperties":{"bootstrap.servers":"kafka:9092","acks":"${'1'}"},"headers":[{"key":"src","value":"${clientid()}"}]}`, "t-d1",
		`{"service":"kafka","operation":"ProducerRecord","input":{"clientProperties":{"acks":"1","bootstrap.servers":"kafka:9092"},"destinationArn":"arn:aws:iot:us-east-1:123456789012:ruledestination/vpc/v","headers":[{"key":"src","value":"d1"}],"key":"d1","partition":"0","topic":"t-d1","value":"eyJpZCI6ImQxIiwidGVtcCI6MjEuNSwiYmF0Y2giOlt7ImEiOjF9LHsiYSI6Mn1dfQ=="}}`},
	{"location", `{"roleArn":"r","trackerName":"tr","deviceId":"${id}","latitude":"${temp}","longitude":"-122.5","timestamp":{"value":"${timestamp() / 1000}","unit":"SECONDS"}}`, "tr",
		`{"service":"geo","operation":"BatchUpdateDevicePosition","input":{"TrackerName":"tr","Updates":[{"DeviceId":"d1","Position":[-122.5,21.5],"SampleTime":"2026-01-02T03:04:05Z"}]}}`},
	{"salesforce", `{"token":"ABCDEFGHI123456789abcdefghi123456789","url":"https://ingestion.example/streams/s/c/my-event"}`, "https://ingestion.example/streams/s/c/my-event",
		`{"service":"salesforce","operation":"POST","input":{"body":"{\"id\":\"d1\",\"temp\":21.5,\"batch\":[{\"a\":1},{\"a\":2}]}","method":"POST","token":"ABCDEFGHI123456789abcdefghi123456789","url":"https://ingestion.example/streams/s/c/my-event"}}`},
	{"cloudwatchAlarm", `{"roleArn":"r","alarmName":"al-${topic(2)}","stateReason":"temp ${temp}","stateValue":"${'ALARM'}"}`, "al-d1",
		`{"service":"monitoring","operation":"SetAlarmState","input":{"AlarmName":"al-d1","StateReason":"temp 21.5","StateValue":"ALARM"}}`},
}

// TestRecordOnlyActions: every type without a client records its rendered
// request with its type and a notSent reason, and succeeds.
func TestRecordOnlyActions(t *testing.T) {
	env := newEnv(t, actionsConfig())
	msg := rules.Message{Topic: "fleet/d1/telemetry", ClientID: "d1", Payload: []byte(`{"id":"d1","temp":21.5,"batch":[{"a":1},{"a":2}]}`)}
	for _, c := range recordOnlyCases {
		t.Run(c.kind, func(t *testing.T) {
			rec, ep := run(t, env, "SELECT * FROM 'fleet/+/telemetry'", c.kind, c.body, msg)
			if ep != nil || rec.Err != nil {
				t.Fatalf("action failed: %v %+v", rec.Err, ep)
			}
			if rec.Type != c.kind || rec.Resource != c.resource {
				t.Errorf("type, resource = %q, %q; want %q, %q", rec.Type, rec.Resource, c.kind, c.resource)
			}
			if got := jsonOf(t, rec.Request); got != c.request {
				t.Errorf("request\n got %s\nwant %s", got, c.request)
			}
			want := "iotemu does not send " + c.kind + " requests; the rendered request is recorded"
			if c.kind == "cloudwatchAlarm" {
				want = "no endpoint configured for monitoring"
			}
			if got := jsonOf(t, rec.Result); !strings.Contains(got, want) {
				t.Errorf("result = %s, want %q", got, want)
			}
		})
	}
}

// TestRecordOnlyBatchMode: with batchMode an output array is one message
// per element (iotEvents always with a new UUID as messageId).
func TestRecordOnlyBatchMode(t *testing.T) {
	env := newEnv(t, actionsConfig())
	msg := rules.Message{Topic: "fleet/d1/telemetry", Payload: []byte(`{"batch":[{"a":1},{"a":2}]}`)}
	for kind, body := range map[string]string{
		"iotEvents":    `{"roleArn":"r","inputName":"in","batchMode":true}`,
		"iotAnalytics": `{"roleArn":"r","channelName":"ch","batchMode":true}`,
	} {
		rec, _ := run(t, env, "SELECT VALUE batch FROM 'fleet/+/telemetry'", kind, body, msg)
		got := jsonOf(t, rec.Request)
		// eyJhIjoxfQ== is {"a":1}, eyJhIjoyfQ== is {"a":2}.
		if !strings.Contains(got, `"payload":"eyJhIjoxfQ=="}`) || !strings.Contains(got, `"payload":"eyJhIjoyfQ=="}`) {
			t.Errorf("%s request = %s, want one message per element", kind, got)
		}
	}
}

// TestRecordOnlyAsErrorAction: each record-only type works as a rule's
// error action: it receives AWS's error payload and records it.
func TestRecordOnlyAsErrorAction(t *testing.T) {
	env := newEnv(t, actionsConfig())
	for _, c := range recordOnlyCases {
		t.Run(c.kind, func(t *testing.T) {
			var recs []rules.ActionRecord
			e := newRecordingEngine(t, &recs)
			errAct, err := env.Parse(c.kind, []byte(c.body), "topicRulePayload.errorAction."+c.kind)
			if err != nil {
				t.Fatal(err)
			}
			failing := rules.ActionFunc(func(context.Context, rules.Output) error { return errors.New("boom") })
			if err := e.Add(rules.Rule{Name: "r", SQL: "SELECT * FROM 'fleet/+/telemetry'", SQLVersion: "2016-03-23",
				Actions: []rules.Action{failing}, ErrorAction: errAct}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Handle(context.Background(), rules.Message{Topic: "fleet/d1/telemetry", Payload: []byte(`{"id":"d1","temp":21.5}`)}); err != nil {
				t.Fatal(err)
			}
			if len(recs) != 2 || !recs[1].ErrorAction || recs[1].Type != c.kind || recs[1].Err != nil {
				t.Fatalf("records = %+v, want the failing action then the %s error action", recs, c.kind)
			}
			carries := c.kind != "cloudwatchAlarm" && c.kind != "location" && c.kind != "iotSiteWise" // no payload in their requests
			// eyJydWxlTmFtZSI6InIi is base64 of {"ruleName":"r".
			if got := jsonOf(t, recs[1].Request); carries && !strings.Contains(got, "failedAction") && !strings.Contains(got, "eyJydWxlTmFtZSI6InIi") {
				t.Errorf("error action request %s does not carry the error payload", got)
			}
		})
	}
}

// newRecordingEngine returns an engine whose action records go to recs.
func newRecordingEngine(t *testing.T, recs *[]rules.ActionRecord) *rules.Engine {
	t.Helper()
	var mu sync.Mutex
	e, err := rules.NewEngine(rules.Config{
		Now: func() time.Time { return fixedNow }, NewUUID: func() string { return "00000000-0000-4000-8000-000000000000" },
		OnAction: func(r rules.ActionRecord) { mu.Lock(); *recs = append(*recs, r); mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
