package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	paho5 "github.com/eclipse/paho.golang/paho"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"

	"github.com/iotemu/iotemu/faults"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/testkit"
)

// TestFaultDisconnectOverHTTP: POST /iotemu/faults {"kind":"disconnect"}
// ends the connection with the chosen disconnectReason, which the
// disconnected event carries; it is not kept in the list.
func TestFaultDisconnectOverHTTP(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	events := record(t, emu, "$aws/events/presence/disconnected/+")
	emu.Connect(t, "victim")
	status, body := httpPost(t, emu.Endpoint()+"/iotemu/faults", `{"kind":"disconnect","client":"victim","reason":"MQTT_KEEP_ALIVE_TIMEOUT"}`)
	if status != http.StatusOK || !strings.Contains(string(body), `"id":"fault-`) {
		t.Fatalf("POST /iotemu/faults: %d %s", status, body)
	}
	msgs := events.waitFor(t, "$aws/events/presence/disconnected/victim")
	if ev := event(t, msgs[len(msgs)-1]); ev["disconnectReason"] != "MQTT_KEEP_ALIVE_TIMEOUT" {
		t.Errorf("disconnected event = %v", ev)
	}
	if _, body := httpDo(t, http.MethodGet, emu.Endpoint()+"/iotemu/faults"); string(body) != `{"faults":[]}` {
		t.Errorf("GET /iotemu/faults after a disconnect = %s", body)
	}
	for in, want := range map[string]int{
		`{"kind":"disconnect","client":"nobody"}`:                  http.StatusNotFound,
		`{"kind":"disconnect","client":"victim","reason":"BORED"}`: http.StatusBadRequest,
		`{"kind":"explode"}`:                                       http.StatusBadRequest,
		`{"kind":"drop"}`:                                          http.StatusBadRequest,
		`{"kind":"delay","client":"a"}`:                            http.StatusBadRequest,
		`{"kind":"drop","client":"a","extra":1}`:                   http.StatusBadRequest,
		`not json`:                                                 http.StatusBadRequest,
	} {
		if status, body := httpPost(t, emu.Endpoint()+"/iotemu/faults", in); status != want {
			t.Errorf("POST %s: %d %s, want %d", in, status, body, want)
		}
	}
	if status, _ := httpDo(t, http.MethodDelete, emu.Endpoint()+"/iotemu/faults/fault-99"); status != http.StatusNotFound {
		t.Errorf("DELETE of an unknown fault: %d, want 404", status)
	}
}

// TestFaultDropDeliveries: the next delivery to a client is dropped, the
// one after it arrives; the fault is then used up. Over HTTP, listed and
// deleted.
func TestFaultDropDeliveries(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	inbox := emu.Connect(t, "sub").Subscribe(t, "drop/#", 1)
	other := emu.Connect(t, "other").Subscribe(t, "drop/#", 1)
	f := emu.InjectFault(t, faults.Fault{Kind: faults.Drop, Client: "sub", Count: 1})
	pub := emu.Connect(t, "pub")
	pub.Publish(t, "drop/1", 1, false, []byte("1"))
	pub.Publish(t, "drop/2", 1, false, []byte("2"))
	if m := inbox.Next(t, 5*time.Second); m.Topic != "drop/2" {
		t.Fatalf("first delivery to sub = %s, want drop/2 (drop/1 dropped)", m.Topic)
	}
	if m := other.Next(t, 5*time.Second); m.Topic != "drop/1" {
		t.Fatalf("another client lost drop/1: got %s", m.Topic)
	}
	if len(emu.Server().Faults()) != 0 {
		t.Errorf("a used-up fault is still listed: %+v (%s)", emu.Server().Faults(), f.ID)
	}
	// By topic, every delivery, until deleted over HTTP.
	status, body := httpPost(t, emu.Endpoint()+"/iotemu/faults", `{"kind":"drop","topic":"drop/secret"}`)
	if status != http.StatusOK {
		t.Fatalf("POST: %d %s", status, body)
	}
	var added faults.Fault
	if err := json.Unmarshal(body, &added); err != nil {
		t.Fatal(err)
	}
	pub.Publish(t, "drop/secret", 1, false, []byte("x"))
	pub.Publish(t, "drop/sentinel", 1, false, []byte("x"))
	if m := inbox.Next(t, 5*time.Second); m.Topic != "drop/sentinel" {
		t.Fatalf("got %s, want drop/sentinel (drop/secret dropped)", m.Topic)
	}
	if status, _ := httpDo(t, http.MethodDelete, emu.Endpoint()+"/iotemu/faults/"+added.ID); status != http.StatusNoContent {
		t.Fatalf("DELETE: %d", status)
	}
	pub.Publish(t, "drop/secret", 1, false, []byte("x"))
	if m := inbox.Next(t, 5*time.Second); m.Topic != "drop/secret" {
		t.Fatalf("after the fault was removed, got %s", m.Topic)
	}
}

// TestFaultDelayDeliveries: a delayed delivery reaches its client after
// the delay, while another subscriber gets it at once.
func TestFaultDelayDeliveries(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	slow := emu.Connect(t, "slow").Subscribe(t, "delay/#", 1)
	fast := emu.Connect(t, "fast").Subscribe(t, "delay/#", 1)
	const delay = 300 * time.Millisecond
	emu.InjectFault(t, faults.Fault{Kind: faults.Delay, Topic: "delay/+", Client: "slow", Count: 1, Delay: faults.Duration(delay)})
	start := time.Now()
	emu.Connect(t, "pub").Publish(t, "delay/a", 0, false, []byte("x"))
	fast.Next(t, 5*time.Second)
	if _, early := slow.Wait(0); early {
		t.Fatal("the delayed delivery arrived with the undelayed one")
	}
	slow.Next(t, 5*time.Second)
	if got := time.Since(start); got < delay {
		t.Errorf("delayed delivery arrived after %v, want at least %v", got, delay)
	}
}

// errorActionRule republishes to out/ and, when that fails, its error
// action republishes AWS's error payload to errors/.
const errorActionRule = `{"sql": "SELECT * FROM 'faulty/#'",
 "actions": [{"republish": {"roleArn": "r", "topic": "out/${topic()}"}}],
 "errorAction": {"republish": {"roleArn": "r", "topic": "errors/${topic()}"}}}`

// TestFaultFailAction: a failing action target makes the rule's error
// action run with AWS's error payload naming the failure.
func TestFaultFailAction(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithTopicRule("faulty", errorActionRule))
	errs := emu.Connect(t, "ops").Subscribe(t, "errors/#", 1)
	emu.InjectFault(t, faults.Fault{Kind: faults.FailAction, Rule: "faulty", Action: "republish", Message: "target unavailable"})
	emu.Connect(t, "dev").Publish(t, "faulty/1", 1, false, []byte(`{"a":1}`))
	m := errs.Next(t, 5*time.Second)
	var p rules.ErrorPayload
	if err := json.Unmarshal(m.Payload, &p); err != nil || m.Topic != "errors/faulty/1" {
		t.Fatalf("%s %s: %v", m.Topic, m.Payload, err)
	}
	if p.RuleName != "faulty" || len(p.Failures) != 1 || !strings.Contains(p.Failures[0].ErrorMessage, "target unavailable") {
		t.Errorf("error payload = %s", m.Payload)
	}
}

// TestFaultFailLambda: an injected failure and an injected timeout of a
// function, through the one invoker: an API Gateway route answers them
// with its error frame; the rules' Lambda action (an asynchronous
// invocation, which a function error does not fail, as on AWS) records
// the function error.
func TestFaultFailLambda(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithLambda("fn", func(ev map[string]any) (map[string]any, error) { return map[string]any{"statusCode": 200}, nil }),
		testkit.WithWebSocketAPI(apigw.API{ID: "faultapi01", Stage: "faults", Routes: []apigw.Route{{Key: "$default", Integration: apigw.Function("fn")}}}),
		testkit.WithTopicRule("lam", `{"sql": "SELECT * FROM 'lam/#'",
		 "actions": [{"lambda": {"functionArn": "arn:aws:lambda:us-east-1:123456789012:function:fn"}}]}`))
	ws, _, err := websocket.DefaultDialer.Dial(emu.WebSocketAPIURL("faults"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	dev := emu.Connect(t, "dev")
	for i, tc := range []struct {
		fault faults.Fault
		want  string
	}{
		{faults.Fault{Kind: faults.FailLambda, Function: "fn", Message: "boom"}, "boom"},
		{faults.Fault{Kind: faults.FailLambda, Function: "arn:aws:lambda:us-east-1:123456789012:function:fn", Timeout: true}, "Task timed out"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			emu.InjectFault(t, tc.fault)
			if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"x"}`)); err != nil {
				t.Fatal(err)
			}
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, frame, err := ws.ReadMessage()
			if err != nil || !bytes.Contains(frame, []byte("Internal server error")) {
				t.Fatalf("frame %s, %v: want API Gateway's error frame", frame, err)
			}
			topic := fmt.Sprintf("lam/%d", i)
			dev.Publish(t, topic, 1, false, []byte(`{"a":1}`))
			rec := waitRecord(t, emu, "lam", topic)
			res, _ := json.Marshal(rec.Result)
			if !bytes.Contains(res, []byte(`"FunctionError":"Unhandled"`)) || !bytes.Contains(res, []byte(tc.want)) {
				t.Errorf("lambda action record result = %s, want the function error %q", res, tc.want)
			}
		})
	}
	// Both faults were removed at the end of their subtests (t.Cleanup).
	if f := emu.Server().Faults(); len(f) != 0 {
		t.Fatalf("faults left after their tests: %+v", f)
	}
	dev.Publish(t, "lam/ok", 1, false, []byte(`{"a":1}`))
	if res, _ := json.Marshal(waitRecord(t, emu, "lam", "lam/ok").Result); bytes.Contains(res, []byte("FunctionError")) {
		t.Errorf("the function still fails once the faults are gone: %s", res)
	}
}

// waitRecord waits for the action record of rule for a message on topic.
func waitRecord(t *testing.T, emu *testkit.Emulator, rule, topic string) rules.ActionRecord {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rec, err := emu.Server().WaitActionRecord(ctx, func(r rules.ActionRecord) bool { return r.Rule == rule && r.Topic == topic })
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestFaultThrottle: a throttled MQTT 5 client gets PUBACK 0x97 Quota
// exceeded and its message is not delivered; a throttled MQTT 3.1.1
// client is disconnected with THROTTLED.
func TestFaultThrottle(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	inbox := emu.Connect(t, "watch").Subscribe(t, "thr/#", 1)
	presence := record(t, emu, "$aws/events/presence/disconnected/+")
	c5 := emu.Connect5(t, &paho5.Connect{ClientID: "thr5", CleanStart: true, KeepAlive: 30})
	emu.InjectFault(t, faults.Fault{Kind: faults.Throttle, Client: "thr5"})
	emu.InjectFault(t, faults.Fault{Kind: faults.Throttle, Client: "thr3"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, _ := c5.Paho().Publish(ctx, &paho5.Publish{Topic: "thr/5", QoS: 1, Payload: []byte("x")})
	if res == nil || res.ReasonCode != 0x97 {
		t.Fatalf("PUBACK of a throttled client = %+v, want 0x97", res)
	}
	emu.Connect(t, "thr3").Publish(t, "thr/3", 0, false, []byte("x"))
	msgs := presence.waitFor(t, "$aws/events/presence/disconnected/thr3")
	if ev := event(t, msgs[len(msgs)-1]); ev["disconnectReason"] != "THROTTLED" {
		t.Errorf("disconnected event = %v", ev)
	}
	emu.Connect(t, "pub").Publish(t, "thr/sentinel", 1, false, []byte("x"))
	if m := inbox.Next(t, 5*time.Second); m.Topic != "thr/sentinel" {
		t.Fatalf("a throttled publish was delivered: %s", m.Topic)
	}
}

func httpPost(t *testing.T, url, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, buf.Bytes()
}
