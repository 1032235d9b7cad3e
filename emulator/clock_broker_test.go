package emulator_test

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	paho5 "github.com/eclipse/paho.golang/paho"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/clock"
	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// The broker's time-dependent behaviour on a fake clock (testkit.WithClock):
// each test moves the clock instead of waiting, and proves that nothing
// happened before the deadline with a sentinel.

// waitArmed waits until the fake clock holds a timer due within (lo, hi]
// from now: the code under test has armed the deadline the test is about
// to pass.
func waitArmed(t *testing.T, fake *clock.Fake, lo, hi time.Duration) {
	t.Helper()
	waitArmedN(t, fake, 1, lo, hi)
}

// waitArmedN waits for n such timers.
func waitArmedN(t *testing.T, fake *clock.Fake, n int, lo, hi time.Duration) {
	t.Helper()
	testkit.Eventually(t, wait, func() error {
		now, found := fake.Now(), 0
		for _, d := range fake.Deadlines() {
			if in := d.Sub(now); in > lo && in <= hi {
				found++
			}
		}
		if found < n {
			return errors.New("deadline not armed yet")
		}
		return nil
	})
}

// noEventYet publishes a sentinel the recorder also records, waits for
// it, and fails if an event on topic came first.
func noEventYet(t *testing.T, emu *testkit.Emulator, rec *recorder, topic, sentinel string) {
	t.Helper()
	emu.Publish(t, emulator.Message{Topic: sentinel, Payload: []byte("s")})
	for _, m := range rec.waitFor(t, sentinel) {
		if m.Topic == topic {
			t.Fatalf("%s before the deadline", topic)
		}
	}
}

// TestClockKeepAlive: a keep-alive of 30 s ends the connection 1.5 × 30 s
// of the fake clock after the client's last packet, with DISCONNECT 0x8D
// and MQTT_KEEP_ALIVE_TIMEOUT, not before. (A raw client: paho sends its
// own PINGREQs on the wall clock.)
func TestClockKeepAlive(t *testing.T) {
	t.Parallel()
	fake := testkit.NewFakeClock()
	emu := testkit.Start(t, testkit.WithClock(fake))
	rec := record(t, emu, "$aws/events/presence/disconnected/ka-1", "ka/sentinel/#")
	r, _, err := dialRaw(t, emu.Server().MQTTAddr(), 5, "ka-1", func(pk *packets.Packet) { pk.Connect.Keepalive = 30 })
	if err != nil {
		t.Fatal(err)
	}
	waitArmed(t, fake, 44*time.Second, 45*time.Second)
	fake.Advance(30 * time.Second)
	r.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pingreq}})
	if pk, err := r.next(wait); err != nil || pk.FixedHeader.Type != packets.Pingresp {
		t.Fatalf("PINGRESP: %v %v", pk.FixedHeader.Type, err)
	}
	// The PINGREQ counts: 44 s after it the connection is still open.
	waitArmed(t, fake, 44*time.Second, 45*time.Second)
	fake.Advance(44 * time.Second)
	noEventYet(t, emu, rec, "$aws/events/presence/disconnected/ka-1", "ka/sentinel/1")
	fake.Advance(2 * time.Second)
	if code := r.expectClosed(); code != 0x8D {
		t.Fatalf("DISCONNECT %#x, want 0x8d keep-alive timeout", code)
	}
	evs := rec.waitFor(t, "$aws/events/presence/disconnected/ka-1")
	if ev := event(t, evs[len(evs)-1]); ev["disconnectReason"] != "MQTT_KEEP_ALIVE_TIMEOUT" {
		t.Fatalf("event: %v", ev)
	}
}

// TestClockSessionExpiry: a persistent session (Session Expiry Interval
// 600 s) survives 599 s of the fake clock and is gone after 601 s. (An
// MQTT 3.1.1 session takes the same path with the account's hour.)
func TestClockSessionExpiry(t *testing.T) {
	t.Parallel()
	fake := testkit.NewFakeClock()
	emu := testkit.Start(t, testkit.WithClock(fake))
	rec := record(t, emu, "$aws/events/presence/disconnected/#")
	sei := uint32(600)
	connect := func() *testkit.Client5 {
		return emu.Connect5(t, &paho5.Connect{ClientID: "sx-1", KeepAlive: 30,
			Properties: &paho5.ConnectProperties{SessionExpiryInterval: &sei}})
	}
	c := connect()
	c.Subscribe(t, "sx/t", 1)
	c.Disconnect()
	rec.waitFor(t, "$aws/events/presence/disconnected/sx-1")
	fake.Advance(599 * time.Second)
	c = connect()
	if !c.Connack().SessionPresent {
		t.Fatal("session gone after 599 s of 600")
	}
	rec.reset()
	c.Disconnect()
	rec.waitFor(t, "$aws/events/presence/disconnected/sx-1")
	fake.Advance(601 * time.Second)
	if c = connect(); c.Connack().SessionPresent {
		t.Fatal("session present after 601 s of 600")
	}
}

// TestClockMessageExpiry: messages queued for an offline persistent
// session and retained messages expire on the fake clock; one that has not
// expired arrives with the rest of its interval.
func TestClockMessageExpiry(t *testing.T) {
	t.Parallel()
	fake := testkit.NewFakeClock()
	emu := testkit.Start(t, testkit.WithClock(fake))
	rec := record(t, emu, "$aws/events/presence/disconnected/#")
	sei := uint32(3600)
	connect := func() *testkit.Client5 {
		return emu.Connect5(t, &paho5.Connect{ClientID: "mx-sub", KeepAlive: 30,
			Properties: &paho5.ConnectProperties{SessionExpiryInterval: &sei}})
	}
	sub := connect()
	sub.Subscribe(t, "mx/q", 1)
	sub.Disconnect()
	rec.waitFor(t, "$aws/events/presence/disconnected/mx-sub")

	pub := emu.Connect5(t, &paho5.Connect{ClientID: "mx-pub", CleanStart: true, KeepAlive: 30})
	expiring := func(topic, payload string, seconds uint32, retain bool) {
		pub.Publish(t, &paho5.Publish{Topic: topic, QoS: 1, Retain: retain, Payload: []byte(payload),
			Properties: &paho5.PublishProperties{MessageExpiry: &seconds}})
	}
	expiring("mx/q", "short", 60, false)
	expiring("mx/q", "long", 600, false)
	expiring("mx/r/short", "short", 60, true)
	expiring("mx/r/long", "long", 600, true)
	fake.Advance(61 * time.Second)

	sub = connect()
	got := sub.Received().Next(t, wait)
	if string(got.Payload) != "long" {
		t.Fatalf("first queued message %q, want long (short expired)", got.Payload)
	}
	if p := got.Publish5.Properties; p == nil || p.MessageExpiry == nil || *p.MessageExpiry != 539 {
		t.Fatalf("long: properties %+v, want the 539 s left of 600", got.Publish5.Properties)
	}
	if retainedStatus(t, emu, "mx/r/short") != http.StatusNotFound {
		t.Error("retained message with a 60 s expiry still held after 61 s")
	}
	if retainedStatus(t, emu, "mx/r/long") != http.StatusOK {
		t.Error("retained message with a 600 s expiry gone after 61 s")
	}
	fake.Advance(540 * time.Second)
	if retainedStatus(t, emu, "mx/r/long") != http.StatusNotFound {
		t.Error("retained message with a 600 s expiry still held after 601 s")
	}
}

// retainedStatus is the HTTP status of GetRetainedMessage for a topic.
func retainedStatus(t *testing.T, emu *testkit.Emulator, topic string) int {
	t.Helper()
	resp, err := http.Get(emu.Endpoint() + "/retainedMessage/" + url.PathEscape(topic))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// reset forgets what the recorder has seen.
func (rec *recorder) reset() {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.msgs = nil
}
