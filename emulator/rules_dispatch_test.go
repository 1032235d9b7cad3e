package emulator_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/testkit"
)

// recordRule installs a rule whose only action is a Recorder.
func recordRule(t *testing.T, emu *testkit.Emulator, name, sql string) *rules.Recorder {
	t.Helper()
	rec := &rules.Recorder{}
	if err := emu.Server().Rules().Add(rules.Rule{Name: name, SQL: sql, SQLVersion: "2016-03-23", Actions: []rules.Action{rec}}); err != nil {
		t.Fatalf("add rule %s: %v", name, err)
	}
	return rec
}

// TestRulesSeeEveryPublishPath: messages published over HTTP, shadow
// notifications, lifecycle events and the emulator's own messages reach
// the rules, with clientid() "n/a" as AWS gives for messages
// not sent over MQTT; an MQTT client's message carries its client ID,
// source IP and a trace ID.
func TestRulesSeeEveryPublishPath(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	httpRec := recordRule(t, emu, "http", "SELECT v, clientid() AS c, traceid() AS tr FROM 'via/http'")
	shadowRec := recordRule(t, emu, "shadow", "SELECT state.reported.v AS v, topic(3) AS thing FROM '$aws/things/+/shadow/update/accepted'")
	eventRec := recordRule(t, emu, "events", "SELECT clientId, eventType FROM '$aws/events/presence/+/+'")
	mqttRec := recordRule(t, emu, "mqtt", "SELECT clientid() AS c, sourceip() AS ip, traceid() AS tr, principal() AS p FROM 'via/mqtt'")

	resp, err := http.Post(emu.Endpoint()+"/topics/via%2Fhttp", "application/json", strings.NewReader(`{"v":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	expectPayload(t, httpRec, `{"v":1,"c":"n/a"}`)

	resp, err = http.Post(emu.Endpoint()+"/things/lamp/shadow", "application/json", strings.NewReader(`{"state":{"reported":{"v":7}}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	expectPayload(t, shadowRec, `{"v":7,"thing":"lamp"}`)

	emu.Publish(t, emulator.Message{Topic: "$aws/events/presence/connected/dev1", QoS: 1,
		Payload: []byte(`{"clientId":"dev1","eventType":"connected"}`)})
	expectPayload(t, eventRec, `{"clientId":"dev1","eventType":"connected"}`)

	// A real lifecycle event: the broker publishes it when a client connects.
	emu.Connect(t, "dev-9").Publish(t, "via/mqtt", 1, false, []byte(`{}`))
	expectPayload(t, eventRec, `{"clientId":"dev-9","eventType":"connected"}`)

	outs, err := mqttRec.WaitN(1, wait)
	if err != nil {
		t.Fatal(err)
	}
	m := outs[0].Message
	if m.ClientID != "dev-9" || m.SourceIP != "127.0.0.1" || len(m.TraceID) != 36 || m.Principal != "" || m.QoS != 1 {
		t.Fatalf("MQTT message context: %+v", m)
	}
}

func expectPayload(t *testing.T, rec *rules.Recorder, want string) {
	t.Helper()
	outs, err := rec.WaitN(1, wait)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(outs[0].Payload); got != want {
		t.Fatalf("rule output %s, want %s", got, want)
	}
	rec.Reset()
}

// TestBasicIngest: $aws/rules/<name>/... reaches only that rule, never a
// subscriber, and topic() is the part after the rule name; a missing or
// disabled rule is logged and the client stays connected.
// AWS: iot-basic-ingest.html.
func TestBasicIngest(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	named := recordRule(t, emu, "ingest_r", "SELECT *, topic() AS t, topic(2) AS t2 FROM 'dev/+/temp'")
	other := recordRule(t, emu, "ingest_other", "SELECT * FROM 'dev/+/temp'")
	spy := recordRule(t, emu, "spy", "SELECT * FROM '$aws/rules/+/#'")
	disabled := recordRule(t, emu, "ingest_off", "SELECT * FROM 'x'")
	if err := emu.Server().Rules().Disable("ingest_off"); err != nil {
		t.Fatal(err)
	}
	inline := emu.Subscribe(t, "$aws/rules/#")
	pub := emu.Connect(t, "dev1")

	pub.Publish(t, "$aws/rules/nope/dev/1/temp", 1, false, []byte(`{"c":0}`))
	pub.Publish(t, "$aws/rules/ingest_off/x", 1, false, []byte(`{"c":0}`))
	pub.Publish(t, "$aws/rules/ingest_r/dev/1/temp", 1, false, []byte(`{"c":21}`))
	expectPayload(t, named, `{"c":21,"t":"dev/1/temp","t2":"1"}`)
	// Delivery to subscribers happens before the rules run: nothing was delivered.
	if n := inline.Len(); n != 0 {
		t.Fatalf("%d Basic Ingest messages delivered to a subscriber", n)
	}
	// The rules of one topic run in order: a later message to the others proves they skipped the ingest one.
	pub.Publish(t, "dev/1/temp", 1, false, []byte(`{"c":22}`))
	expectPayload(t, other, `{"c":22}`)
	if n := len(spy.Outputs()) + len(disabled.Outputs()); n != 0 {
		t.Fatalf("%d outputs from rules not named by the ingest topic", n)
	}
}

// TestSlowRuleDoesNotDelayPublishers: while a rule's action is blocked,
// QoS 1 publishes on its topic are acknowledged and delivered; a flood
// beyond the queue is dropped rather than blocking the publisher.
func TestSlowRuleDoesNotDelayPublishers(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	started, release := make(chan struct{}, 1), make(chan struct{})
	t.Cleanup(func() { close(release) })
	rec := &rules.Recorder{}
	slow := rules.ActionFunc(func(ctx context.Context, out rules.Output) error {
		select {
		case started <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return rec.Do(ctx, out)
	})
	if err := emu.Server().Rules().Add(rules.Rule{Name: "slow", SQL: "SELECT * FROM 'slow/t'", Actions: []rules.Action{slow}}); err != nil {
		t.Fatal(err)
	}
	inbox := emu.Connect(t, "sub").Subscribe(t, "slow/t", 1)
	pub := emu.Connect(t, "pub")
	pub.Publish(t, "slow/t", 1, false, []byte("0"))
	<-started
	for i := 1; i <= 10; i++ { // each waits for its PUBACK: testkit fails after 10 s
		pub.Publish(t, "slow/t", 1, false, []byte(fmt.Sprint(i)))
	}
	for i := 0; i <= 10; i++ {
		if m := inbox.Next(t, wait); string(m.Payload) != fmt.Sprint(i) {
			t.Fatalf("delivered %q, want %d", m.Payload, i)
		}
	}
	for i := 0; i < 10000; i++ { // more than the queue holds
		pub.Publish(t, "slow/t", 0, false, []byte("flood"))
	}
	if n := len(rec.Outputs()); n != 0 {
		t.Fatalf("%d outputs while the action is blocked", n)
	}
}
