package emulator_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	paho5 "github.com/eclipse/paho.golang/paho"
	paho3 "github.com/eclipse/paho.mqtt.golang"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// Tests named TestChecklistNN turn line NN of the conformance checklist
// of MQTT broker behaviours (docs/compatibility.md) into a test with real clients.

func TestChecklist01ConnackProperties(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c := emu.Connect5(t, &paho5.Connect{ClientID: "props", CleanStart: true, KeepAlive: 30})
	p := c.Connack().Properties
	if p.MaximumQoS == nil || *p.MaximumQoS != 1 {
		t.Errorf("Maximum QoS: got %v, want 1", p.MaximumQoS)
	}
	if !p.RetainAvailable || !p.WildcardSubAvailable || p.SubIDAvailable {
		t.Errorf("Retain/Wildcard/SubID available: got %v/%v/%v, want true/true/false", p.RetainAvailable, p.WildcardSubAvailable, p.SubIDAvailable)
	}
	if p.TopicAliasMaximum == nil || *p.TopicAliasMaximum != 8 {
		t.Errorf("Topic Alias Maximum: got %v, want 8", p.TopicAliasMaximum)
	}
	if p.ReceiveMaximum == nil || *p.ReceiveMaximum != 100 {
		t.Errorf("Receive Maximum: got %v, want 100", p.ReceiveMaximum)
	}
	// A subscription identifier, which CONNACK said is unavailable: DISCONNECT 0xA1.
	r, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 5, "subid", nil)
	pk := subscribePacket(1, "a/b")
	pk.Properties.SubscriptionIdentifier = []int{3}
	r.send(pk)
	if code := r.expectClosed(); code != 0xA1 {
		t.Errorf("subscription identifier: got DISCONNECT %#x, want 0xa1", code)
	}
	stillServing(t, emu)
}

func TestChecklist02SessionExpiryLoweredInConnack(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	sei := uint32(7200)
	c := emu.Connect5(t, &paho5.Connect{ClientID: "sei", KeepAlive: 30, Properties: &paho5.ConnectProperties{SessionExpiryInterval: &sei}})
	got := c.Connack().Properties.SessionExpiryInterval
	if got == nil || *got != 3600 {
		t.Fatalf("CONNACK Session Expiry Interval: got %v, want 3600", got)
	}
}

func TestChecklist03NoSessionExpiryNotPersisted(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	rec := record(t, emu, "$aws/events/presence/#")
	c := emu.Connect5(t, &paho5.Connect{ClientID: "nosei", KeepAlive: 30})
	c.Subscribe(t, "s3/t", 1)
	c.Disconnect()
	rec.waitFor(t, "$aws/events/presence/disconnected/nosei")
	emu.Publish(t, emulator.Message{Topic: "s3/t", Payload: []byte("offline"), QoS: 1})
	again := emu.Connect5(t, &paho5.Connect{ClientID: "nosei", KeepAlive: 30})
	if again.Connack().SessionPresent {
		t.Fatal("session present: got true, want false (no Session Expiry Interval means 0)")
	}
	// A queued message would be delivered on connect, before the SUBACK of
	// a new subscription and the sentinel published after it.
	again.Subscribe(t, "s3/sentinel", 1)
	emu.Publish(t, emulator.Message{Topic: "s3/sentinel", Payload: []byte("sentinel"), QoS: 1})
	if m := again.Received().Next(t, wait); m.Topic != "s3/sentinel" {
		t.Fatalf("got %q, want nothing before the sentinel", m.Topic)
	}
}

func TestChecklist04PersistentSession311(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	received := make(chan paho3.Message, 8)
	persistent := testkit.WithPahoOptions(func(o *paho3.ClientOptions) {
		o.SetCleanSession(false)
		o.SetDefaultPublishHandler(func(_ paho3.Client, m paho3.Message) { received <- m })
	})
	c := emu.Connect(t, "persist", persistent)
	c.Subscribe(t, "p4/#", 1)
	c.Disconnect()
	pub := emu.Connect(t, "p4-pub")
	pub.Publish(t, "p4/q1", 1, false, []byte("kept"))
	pub.Publish(t, "p4/q0", 0, false, []byte("dropped"))
	pub.Publish(t, "p4/q1", 1, false, []byte("kept too")) // QoS 0 was sent before it

	o := paho3.NewClientOptions().AddBroker(emu.MQTTURL()).SetClientID("persist").SetCleanSession(false).
		SetAutoReconnect(false).SetDefaultPublishHandler(func(_ paho3.Client, m paho3.Message) { received <- m })
	again := paho3.NewClient(o)
	tok := again.Connect()
	if !tok.WaitTimeout(wait) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	defer again.Disconnect(0)
	if !tok.(*paho3.ConnectToken).SessionPresent() {
		t.Fatal("sessionPresent: got false, want true")
	}
	// AWS does not guarantee the order of replayed messages.
	got := map[string]bool{}
	for range 2 {
		select {
		case m := <-received:
			if m.Qos() != 1 {
				t.Fatalf("got %q at qos %d, want qos 1", m.Payload(), m.Qos())
			}
			got[string(m.Payload())] = true
		case <-time.After(wait):
			t.Fatalf("queued messages not replayed: got %v", got)
		}
	}
	if !got["kept"] || !got["kept too"] {
		t.Fatalf("got %v, want the two QoS 1 messages and not the QoS 0 one", got)
	}
	pub.Publish(t, "p4/sentinel", 1, false, []byte("sentinel")) // after the replay
	select {
	case m := <-received:
		if string(m.Payload()) != "sentinel" {
			t.Fatalf("got %q, want nothing more before the sentinel (QoS 0 is not queued)", m.Payload())
		}
	case <-time.After(wait):
		t.Fatal("the sentinel published after the replay never arrived")
	}
}

func TestChecklist05DuplicateClientID(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	rec := record(t, emu, "$aws/events/presence/#")
	first := emu.Connect5(t, &paho5.Connect{ClientID: "dup", CleanStart: true, KeepAlive: 30})
	rec.waitFor(t, "$aws/events/presence/connected/dup")
	emu.Connect5(t, &paho5.Connect{ClientID: "dup", CleanStart: true, KeepAlive: 30})
	d, ok := first.WaitDisconnect(wait)
	if !ok || d.ReasonCode != 0x8E {
		t.Fatalf("first connection: got DISCONNECT %v, want 0x8e", d)
	}
	var evs []map[string]any
	testkit.Eventually(t, wait, func() error {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if len(rec.msgs) < 3 {
			return fmt.Errorf("%d events", len(rec.msgs))
		}
		evs = nil
		for _, m := range rec.msgs {
			evs = append(evs, event(t, m))
		}
		return nil
	})
	if evs[1]["eventType"] != "disconnected" || evs[1]["disconnectReason"] != "DUPLICATE_CLIENTID" ||
		evs[1]["clientInitiatedDisconnect"] != false || evs[1]["versionNumber"] != evs[0]["versionNumber"] {
		t.Errorf("second event: got %v, want disconnected DUPLICATE_CLIENTID of the first connection", evs[1])
	}
	if evs[2]["eventType"] != "connected" || evs[2]["versionNumber"].(float64) <= evs[0]["versionNumber"].(float64) {
		t.Errorf("third event: got %v, want connected with a higher versionNumber", evs[2])
	}

	// MQTT 3.1.1: the first connection is closed.
	lost := make(chan error, 1)
	emu.Connect(t, "dup3", testkit.WithPahoOptions(func(o *paho3.ClientOptions) {
		o.SetConnectionLostHandler(func(_ paho3.Client, err error) { lost <- err })
	}))
	emu.Connect(t, "dup3")
	select {
	case err := <-lost:
		t.Logf("first connection lost: %v", err)
	case <-time.After(wait):
		t.Fatal("MQTT 3.1.1 first connection: still open")
	}
}

func TestChecklist06HashDoesNotMatchParent(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	sub := emu.Connect(t, "hash-sub")
	in := sub.Subscribe(t, "sensor/#", 1)
	exact := sub.Subscribe(t, "other", 1) // an unrelated filter of the same client
	pub := emu.Connect(t, "hash-pub")
	pub.Publish(t, "sensor", 1, false, []byte("parent"))
	pub.Publish(t, "sensor/", 1, false, []byte("child"))
	if got := in.Next(t, wait); got.Topic != "sensor/" {
		t.Fatalf("got %q, want only sensor/ (sensor/# must not match sensor)", got.Topic)
	}
	// With an exact subscription as well, sensor is delivered once.
	both := sub.Subscribe(t, "sensor", 1)
	pub.Publish(t, "sensor", 1, false, []byte("parent2"))
	if got := both.Next(t, wait); string(got.Payload) != "parent2" {
		t.Fatalf("got %q, want parent2", got.Payload)
	}
	// (paho's own router also hands it to the sensor/# inbox: client-side matching.)
	if exact.Len() != 0 {
		t.Fatalf("unexpected deliveries on other: %d", exact.Len())
	}
	// MQTT 5 shared subscriptions follow the same rule.
	c5 := emu.Connect5(t, &paho5.Connect{ClientID: "hash5", CleanStart: true, KeepAlive: 30})
	c5.Subscribe(t, "$share/g/sensor/#", 1)
	pub.Publish(t, "sensor", 1, false, []byte("parent3"))
	pub.Publish(t, "sensor/x", 1, false, []byte("child3"))
	if got := c5.Received().Next(t, wait); got.Topic != "sensor/x" {
		t.Fatalf("shared: got %q, want sensor/x", got.Topic)
	}
}

func TestChecklist07TopicSlashes(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	r, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 4, "slashes", nil)
	r.send(publishPacket("$aws/rules/r/1/2/3/4/5/6/7/8", 1, false, []byte("x"))) // 7 counted slashes
	if pk, err := r.next(wait); err != nil || pk.FixedHeader.Type != packets.Puback {
		t.Fatalf("Basic Ingest topic with 7 counted slashes: got %v %v, want PUBACK", pk.FixedHeader.Type, err)
	}
	r.send(publishPacket("1/2/3/4/5/6/7/8/9", 1, false, []byte("x"))) // 8 slashes
	r.expectClosed()
	r5, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 5, "slashes5", nil)
	r5.send(publishPacket("1/2/3/4/5/6/7/8/9", 0, false, []byte("x")))
	if code := r5.expectClosed(); code != 0x90 {
		t.Fatalf("MQTT 5: got DISCONNECT %#x, want 0x90", code)
	}
	long := strings.Repeat("a", 257)
	r5b, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 5, "long5", nil)
	r5b.send(publishPacket(long, 0, false, []byte("x")))
	if code := r5b.expectClosed(); code != 0x90 {
		t.Fatalf("MQTT 5, 257-byte topic: got DISCONNECT %#x, want 0x90", code)
	}
	stillServing(t, emu)
}

func TestChecklist08FiltersPerSubscribe(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	nine := []string{"f/1", "f/2", "f/3", "f/4", "f/5", "f/6", "f/7", "f/8", "f/9"}
	r, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 4, "nine", nil)
	r.send(subscribePacket(1, nine[:8]...))
	if pk, err := r.next(wait); err != nil || pk.FixedHeader.Type != packets.Suback || len(pk.ReasonCodes) != 8 {
		t.Fatalf("8 filters: got %v %v, want SUBACK with 8 codes", pk.FixedHeader.Type, err)
	}
	r.send(subscribePacket(1, nine...))
	if code := r.expectClosed(); code != -1 {
		t.Fatalf("MQTT 3.1.1: got DISCONNECT %#x, want the socket closed without SUBACK", code)
	}
	r5, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 5, "nine5", nil)
	r5.send(subscribePacket(1, nine...))
	if code := r5.expectClosed(); code != 0x97 {
		t.Fatalf("MQTT 5: got DISCONNECT %#x, want 0x97", code)
	}
	// 50 subscriptions per connection.
	r50, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 4, "fifty", nil)
	for i := range 7 {
		r50.send(subscribePacket(1, fmt.Sprintf("s/%d/1", i), fmt.Sprintf("s/%d/2", i), fmt.Sprintf("s/%d/3", i),
			fmt.Sprintf("s/%d/4", i), fmt.Sprintf("s/%d/5", i), fmt.Sprintf("s/%d/6", i), fmt.Sprintf("s/%d/7", i)))
		if _, err := r50.next(wait); err != nil {
			t.Fatalf("subscription batch %d: %v", i, err)
		}
	}
	r50.send(subscribePacket(1, "s/x/1")) // the 50th
	if _, err := r50.next(wait); err != nil {
		t.Fatalf("50th subscription: %v", err)
	}
	r50.send(subscribePacket(1, "s/x/2")) // the 51st
	r50.expectClosed()
	stillServing(t, emu)
}
