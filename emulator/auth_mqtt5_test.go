package emulator_test

import (
	"context"
	"crypto/tls"
	"net/url"
	"testing"

	paho5 "github.com/eclipse/paho.golang/paho"

	"github.com/iotemu/iotemu/testkit"
)

const v5Policy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"},
 {"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/v5/ok"},
 {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/v5/ok"},
 {"Effect":"Allow","Action":"iot:Receive","Resource":"arn:aws:iot:us-east-1:123456789012:topic/v5/*"}]}`

// dialTLS opens a TLS connection to the MQTT TLS listener.
func dialTLS(t *testing.T, emu *testkit.Emulator, cfg *tls.Config) *tls.Conn {
	t.Helper()
	u, _ := url.Parse(emu.MQTTTLSURL())
	c, err := tls.Dial("tcp", u.Host, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// connack5 connects with paho.golang and returns the CONNACK reason code.
func connack5(t *testing.T, emu *testkit.Emulator, cfg *tls.Config, cp *paho5.Connect) byte {
	t.Helper()
	c := paho5.NewClient(paho5.ClientConfig{Conn: dialTLS(t, emu, cfg)})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	ack, err := c.Connect(ctx, cp)
	if ack == nil {
		t.Fatalf("connect %s: no CONNACK: %v", cp.ClientID, err)
	}
	if err == nil {
		_ = c.Disconnect(&paho5.Disconnect{})
	}
	return ack.ReasonCode
}

// TestStrictMQTT5Denials: MQTT 5 clients get AWS's reason codes — CONNACK
// 0x87 for a wrong client ID, an unknown certificate and a forbidden Will
// topic (with connect_failed), SUBACK 0x87 and PUBACK 0x87 for a
// forbidden filter and topic, on a connection that keeps working.
func TestStrictMQTT5Denials(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithStrictAuth())
	events := record(t, emu, "$aws/events/presence/connect_failed/#")
	d := emu.CreateDevice(t, "dev5", v5Policy)
	bys := strictBystander(t, emu)

	if code := connack5(t, emu, deviceTLS(d), &paho5.Connect{ClientID: "other", CleanStart: true, KeepAlive: 30}); code != 0x87 {
		t.Errorf("wrong client ID: CONNACK %#x, want 0x87", code)
	}
	unknown := emu.TLSConfig(t, "stranger")
	if code := connack5(t, emu, unknown, &paho5.Connect{ClientID: "dev5", CleanStart: true, KeepAlive: 30}); code != 0x87 {
		t.Errorf("unknown certificate: CONNACK %#x, want 0x87", code)
	}
	will := &paho5.Connect{ClientID: "dev5", CleanStart: true, KeepAlive: 30, WillMessage: &paho5.WillMessage{Topic: "v5/denied", Payload: []byte("x")}}
	if code := connack5(t, emu, deviceTLS(d), will); code != 0x87 {
		t.Errorf("forbidden Will topic: CONNACK %#x, want 0x87", code)
	}
	bys.check(t)
	if ev := event(t, events.waitFor(t, "$aws/events/presence/connect_failed/dev5")[1]); ev["principalIdentifier"] != d.CertificateID {
		t.Errorf("connect_failed: %v", ev)
	}

	c, received := connect5(t, dialTLS(t, emu, deviceTLS(d)), "dev5")
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	suback, err := c.Subscribe(ctx, &paho5.Subscribe{Subscriptions: []paho5.SubscribeOptions{{Topic: "v5/denied", QoS: 1}, {Topic: "v5/ok", QoS: 1}}})
	if suback == nil || len(suback.Reasons) != 2 || suback.Reasons[0] != 0x87 || suback.Reasons[1] != 1 {
		t.Fatalf("SUBACK %+v (%v), want [0x87 1]", suback, err)
	}
	resp, err := c.Publish(ctx, &paho5.Publish{Topic: "v5/denied", QoS: 1, Payload: []byte("no")})
	if resp == nil || resp.ReasonCode != 0x87 {
		t.Fatalf("forbidden PUBLISH: %+v %v, want PUBACK 0x87", resp, err)
	}
	if _, err := c.Publish(ctx, &paho5.Publish{Topic: "v5/ok", QoS: 1, Payload: []byte("yes")}); err != nil {
		t.Fatalf("allowed PUBLISH after the denials: %v", err)
	}
	select {
	case m := <-received:
		if m.Topic != "v5/ok" {
			t.Fatalf("received %s", m.Topic)
		}
	case <-ctx.Done():
		t.Fatal("the connection stopped working after the denials")
	}
	bys.check(t)
}
