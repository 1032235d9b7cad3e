package emulator_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	paho5 "github.com/eclipse/paho.golang/paho"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// pahoPython16Connect is the CONNECT paho-mqtt 1.6 for Python sends for
// Client("py16", protocol=MQTTv5) and connect(keepalive=60): clean start,
// an empty property block.
var pahoPython16Connect = []byte{
	0x10, 0x11, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3c, 0x00,
	0x00, 0x04, 'p', 'y', '1', '6',
}

// pahoPython16Publish is paho-mqtt 1.6's PUBLISH for publish("t/py", "hi",
// qos=1, properties=p) with p.UserProperty = ("k", "v"), its first message
// (mid 1).
var pahoPython16Publish = []byte{
	0x32, 0x10, 0x00, 0x04, 't', '/', 'p', 'y', 0x00, 0x01,
	0x07, 0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v', 'h', 'i',
}

// readPacket reads one whole MQTT packet's bytes (remaining length < 128).
func readPacket(t *testing.T, c net.Conn) []byte {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(wait))
	head := make([]byte, 2)
	if _, err := io.ReadFull(c, head); err != nil {
		t.Fatalf("read packet: %v", err)
	}
	body := make([]byte, head[1])
	if _, err := io.ReadFull(c, body); err != nil {
		t.Fatalf("read packet body: %v", err)
	}
	return append(head, body...)
}

// TestPubackPahoPython16UserProperties replays paho-mqtt 1.6 for Python's
// QoS 1 publish with a user property: the PUBACK is the two-byte success
// form (reason 0x00, no properties), which paho-mqtt 1.6 accepts; it died on
// "40 0b 0007 01 07 26 …" (reason 0x01 and the user property echoed).
func TestPubackPahoPython16UserProperties(t *testing.T) {
	emu := testkit.Start(t)
	c, err := net.Dial("tcp", emu.Server().MQTTAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(pahoPython16Connect); err != nil {
		t.Fatal(err)
	}
	if ack := readPacket(t, c); ack[0] != 0x20 || ack[3] != 0x00 {
		t.Fatalf("CONNACK % x, want success", ack)
	}
	if _, err := c.Write(pahoPython16Publish); err != nil {
		t.Fatal(err)
	}
	if got, want := readPacket(t, c), []byte{0x40, 0x02, 0x00, 0x01}; !bytes.Equal(got, want) {
		t.Fatalf("PUBACK % x, want % x", got, want)
	}
}

// TestPubackPahoGolangUserProperties: paho.golang sees reason 0x00 and no
// user properties on the PUBACK of a publish that carried some.
func TestPubackPahoGolangUserProperties(t *testing.T) {
	emu := testkit.Start(t)
	c := emu.Connect5(t, &paho5.Connect{ClientID: "puback-go", CleanStart: true, KeepAlive: 30})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	resp, err := c.Paho().Publish(ctx, &paho5.Publish{Topic: "t/go", QoS: 1, Payload: []byte("hi"),
		Properties: &paho5.PublishProperties{User: paho5.UserProperties{{Key: "k", Value: "v"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.ReasonCode != 0 || resp.Properties != nil && len(resp.Properties.User) > 0 {
		t.Fatalf("PUBACK reason %#x properties %+v, want 0x00 and none", resp.ReasonCode, resp.Properties)
	}
}

// TestNoMessageExpiryUnlessPublisherSetOne: deliveries to an MQTT 5
// subscriber carry a Message Expiry Interval only when the publisher gave
// one, whether it published over MQTT 3.1.1, MQTT 5 or HTTP.
func TestNoMessageExpiryUnlessPublisherSetOne(t *testing.T) {
	emu := testkit.Start(t)
	sub := emu.Connect5(t, &paho5.Connect{ClientID: "mei-none-sub", CleanStart: true, KeepAlive: 30})
	sub.Subscribe(t, "mei/#", 1)
	emu.Connect(t, "mei-v3").Publish(t, "mei/v3", 1, false, []byte("x"))
	v5 := emu.Connect5(t, &paho5.Connect{ClientID: "mei-v5", CleanStart: true, KeepAlive: 30})
	v5.Publish(t, &paho5.Publish{Topic: "mei/v5", QoS: 1, Payload: []byte("x")})
	resp, err := http.Post(emu.Endpoint()+"/topics/mei/http?qos=1", "application/octet-stream", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sixty := uint32(60)
	v5.Publish(t, &paho5.Publish{Topic: "mei/set", QoS: 1, Payload: []byte("x"),
		Properties: &paho5.PublishProperties{MessageExpiry: &sixty}})
	// Four publishers' messages: their order among each other is not the
	// point (each went through its own connection).
	seen := map[string]bool{}
	for range 4 {
		got := sub.Received().Next(t, wait)
		seen[got.Topic] = true
		p := got.Publish5.Properties
		if got.Topic == "mei/set" {
			if p == nil || p.MessageExpiry == nil || *p.MessageExpiry > 60 || *p.MessageExpiry < 58 {
				t.Fatalf("mei/set: got properties %+v, want an expiry of about 60 s", p)
			}
			continue
		}
		if p != nil && p.MessageExpiry != nil {
			t.Fatalf("%s: delivered with Message Expiry Interval %d, want none", got.Topic, *p.MessageExpiry)
		}
	}
	for _, topic := range []string{"mei/v3", "mei/v5", "mei/http", "mei/set"} {
		if !seen[topic] {
			t.Errorf("%s not delivered (got %v)", topic, seen)
		}
	}
}

// aliased is a QoS 1 PUBLISH using Topic Alias alias, with topic ("" to
// use an alias defined before).
func aliased(topic string, alias uint16, payload string) packets.Packet {
	pk := publishPacket(topic, 1, false, []byte(payload))
	pk.Properties.TopicAlias, pk.Properties.TopicAliasFlag = alias, true
	return pk
}

// TestTopicAliasUndefinedOnNewConnection: an alias defined on one
// connection and used on the next (paho.golang's reconnect does this) gets
// DISCONNECT 0x94 Topic Alias invalid, not a silent drop; so does an alias
// above the CONNACK maximum of 8. On the defining connection it works.
func TestTopicAliasUndefinedOnNewConnection(t *testing.T) {
	emu := testkit.Start(t)
	in := emu.Subscribe(t, "alias/#")
	first, _, err := dialRaw(t, emu.Server().MQTTAddr(), 5, "alias-dev", nil)
	if err != nil {
		t.Fatal(err)
	}
	first.send(aliased("alias/a", 1, "define"))
	first.send(aliased("", 1, "use"))
	for _, want := range []string{"define", "use"} {
		if got := in.Next(t, wait); string(got.Payload) != want || got.Topic != "alias/a" {
			t.Fatalf("got %q on %q, want %q on alias/a", got.Payload, got.Topic, want)
		}
	}
	first.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Disconnect}})

	next, _, err := dialRaw(t, emu.Server().MQTTAddr(), 5, "alias-dev", nil)
	if err != nil {
		t.Fatal(err)
	}
	next.send(aliased("", 1, "stale"))
	if code := next.expectClosed(); code != 0x94 {
		t.Fatalf("stale alias: DISCONNECT %#x, want 0x94", code)
	}
	over, _, err := dialRaw(t, emu.Server().MQTTAddr(), 5, "alias-over", nil)
	if err != nil {
		t.Fatal(err)
	}
	over.send(aliased("alias/over", 9, "over"))
	if code := over.expectClosed(); code != 0x94 {
		t.Fatalf("alias 9: DISCONNECT %#x, want 0x94", code)
	}
	emu.Publish(t, emulator.Message{Topic: "alias/sentinel", Payload: []byte("sentinel")})
	if got := in.Next(t, wait); string(got.Payload) != "sentinel" {
		t.Fatalf("got %q, want only the sentinel after the refused aliases", got.Payload)
	}
}
