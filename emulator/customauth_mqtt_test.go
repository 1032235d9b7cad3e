package emulator_test

import (
	"context"
	"encoding/base64"
	"net/url"
	"testing"

	paho5 "github.com/eclipse/paho.golang/paho"

	"github.com/iotemu/iotemu/testkit"
)

// TestCustomAuthMQTT311: a paho 3.1.1 client presents its token in the
// user name (with the SDK's metric keys); the function sees the event of
// https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth-lambda.html#custom-auth-lambda
// (user name as sent, base64 password, client ID), the
// returned policy allows devices/alice/* and a publish elsewhere ends the
// connection (AWS, MQTT 3.1.1).
func TestCustomAuthMQTT311(t *testing.T) {
	t.Parallel()
	emu := startCustomAuth(t)
	user := username("tok", "alice", nil)
	c, err := dial311(t, emu.MQTTURL(), "alice-1", user, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := emu.fn.last()
	if ev.Token != "alice" || ev.SignatureVerified || len(ev.Protocols) != 1 || ev.Protocols[0] != "mqtt" ||
		ev.ProtocolData.MQTT.Username != user || string(ev.ProtocolData.MQTT.Password) != "pw" ||
		ev.ProtocolData.MQTT.ClientID != "alice-1" || len(ev.ConnectionMetadata.ID) != 36 {
		t.Fatalf("event: %+v %+v", ev, ev.ProtocolData.MQTT)
	}
	in := emu.Subscribe(t, "devices/alice/x")
	if tok := c.Publish("devices/alice/x", 1, false, "hi"); !tok.WaitTimeout(wait) || tok.Error() != nil {
		t.Fatalf("allowed publish: %v", tok.Error())
	}
	if got := in.Next(t, wait); string(got.Payload) != "hi" {
		t.Fatalf("got %q", got.Payload)
	}
	c.Publish("devices/bob/x", 1, false, "no")
	testkit.Eventually(t, wait, func() error {
		if c.IsConnectionOpen() {
			return errStillConnected
		}
		return nil
	})
	emu.serving(t)
}

// TestCustomAuthRefusals311: each way a custom authentication fails
// refuses the MQTT 3.1.1 CONNECT, and the broker keeps serving.
func TestCustomAuthRefusals311(t *testing.T) {
	t.Parallel()
	emu := startCustomAuth(t)
	good := emu.sign(t, "carol")
	for name, user := range map[string]string{
		"unknown authorizer":       username("nope", "alice", nil),
		"inactive authorizer":      username("off", "alice", nil),
		"bad signature":            username("signed", "carol", url.Values{"x-amz-customauthorizer-signature": {emu.sign(t, "other")}}),
		"missing signature":        username("signed", "carol", nil),
		"isAuthenticated false":    username("tok", "deny", nil),
		"function error":           username("tok", "error", nil),
		"malformed response":       username("tok", "malformed", nil),
		"no authorizer, no certif": "device",
	} {
		if _, err := dial311(t, emu.MQTTURL(), "refused", user, nil); err == nil {
			t.Errorf("%s: connected", name)
		}
		emu.serving(t)
	}
	user := username("signed", "carol", url.Values{"x-amz-customauthorizer-signature": {good}})
	if _, err := dial311(t, emu.MQTTURL(), "carol", user, nil); err != nil {
		t.Fatalf("signed token: %v", err)
	}
	if ev := emu.fn.last(); ev.Token != "carol" || !ev.SignatureVerified {
		t.Fatalf("signed event: %+v", ev)
	}
}

// TestCustomAuthMQTT5: paho.golang over MQTT 5; credential failures get
// CONNACK 0x86, authorizer failures 0x87 (the split is UNCONFIRMED).
func TestCustomAuthMQTT5(t *testing.T) {
	t.Parallel()
	emu := startCustomAuth(t)
	connect := func(user string) *paho5.Connect {
		return &paho5.Connect{ClientID: "v5", CleanStart: true, KeepAlive: 30, Username: user, UsernameFlag: true,
			Password: []byte("secret"), PasswordFlag: true}
	}
	c := emu.Connect5(t, connect(username("tok", "alice", nil)))
	if ev := emu.fn.last(); base64.StdEncoding.EncodeToString(ev.ProtocolData.MQTT.Password) != "c2VjcmV0" {
		t.Fatalf("password: %+v", ev.ProtocolData.MQTT)
	}
	if ack := c.Subscribe(t, "devices/alice/#", 1); ack.Reasons[0] != 1 {
		t.Fatalf("allowed subscribe: %v", ack.Reasons)
	}
	if ack := c.Subscribe(t, "devices/bob/#", 1); ack.Reasons[0] != 0x87 {
		t.Fatalf("denied subscribe: %v", ack.Reasons)
	}
	for user, code := range map[string]byte{
		username("tok", "deny", nil):      0x86,
		username("signed", "carol", nil):  0x86,
		username("nope", "alice", nil):    0x87,
		username("tok", "error", nil):     0x87,
		username("tok", "malformed", nil): 0x87,
	} {
		r, err := emu.Dial5(t, connect(user))
		if err == nil || r == nil || r.Connack().ReasonCode != code {
			t.Errorf("%s: got %v %+v, want CONNACK %#x", user, err, r, code)
		}
	}
	emu.serving(t)
}

// TestCustomAuthDisconnectAfter: disconnectAfterInSeconds (300 authorizer
// seconds of 1 ms) ends the connection with DISCONNECT 0xA0 and a
// CUSTOMAUTH_TTL_EXPIRATION lifecycle event.
func TestCustomAuthDisconnectAfter(t *testing.T) {
	t.Parallel()
	emu := startCustomAuth(t)
	rec := record(t, emu.Emulator, "$aws/events/presence/disconnected/ttl-1")
	c := emu.Connect5(t, &paho5.Connect{ClientID: "ttl-1", CleanStart: true, KeepAlive: 30,
		Username: username("tok", "ttl:dan", nil), UsernameFlag: true})
	d, ok := c.WaitDisconnect(wait)
	if !ok || d.ReasonCode != 0xA0 {
		t.Fatalf("disconnect: %+v %v", d, ok)
	}
	evs := rec.waitFor(t, "$aws/events/presence/disconnected/ttl-1")
	if ev := event(t, evs[len(evs)-1]); ev["disconnectReason"] != "CUSTOMAUTH_TTL_EXPIRATION" || ev["principalIdentifier"] != "dan" {
		t.Fatalf("event: %v", ev)
	}
	emu.serving(t)
}

// TestCustomAuthRefreshAfter: refreshAfterInSeconds invokes the function
// again and its policies replace the first ones.
func TestCustomAuthRefreshAfter(t *testing.T) {
	t.Parallel()
	emu := startCustomAuth(t)
	c := emu.Connect5(t, &paho5.Connect{ClientID: "rf-1", CleanStart: true, KeepAlive: 30,
		Username: username("tok", "refresh:eve", nil), UsernameFlag: true})
	publish := func(topic string) byte {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		r, err := c.Paho().Publish(ctx, &paho5.Publish{Topic: topic, QoS: 1, Payload: []byte("x")})
		if r == nil {
			t.Fatalf("publish %s: %v", topic, err)
		}
		return r.ReasonCode
	}
	if code := publish("devices/eve/a"); code != 0 {
		t.Fatalf("before refresh: %#x", code)
	}
	testkit.Eventually(t, wait, func() error {
		if emu.fn.count("refresh:eve") < 2 {
			return errNotYet
		}
		return nil
	})
	testkit.Eventually(t, wait, func() error {
		if publish("devices/eve/b") != 0 {
			return errNotYet
		}
		return nil
	})
	if code := publish("devices/eve/a"); code != 0x87 {
		t.Fatalf("after refresh: %#x, want 0x87", code)
	}
	emu.serving(t)
}

var (
	errStillConnected = errorString("still connected")
	errNotYet         = errorString("not yet")
)

type errorString string

func (e errorString) Error() string { return string(e) }
