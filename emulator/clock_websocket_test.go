package emulator_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/testkit"
)

// TestClockWebSocketTTL: a SigV4 WebSocket connection that keeps pinging
// lives 24 hours of the fake clock and is then disconnected with
// WEBSOCKET_TTL_EXPIRATION.
// AWS: https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits
func TestClockWebSocketTTL(t *testing.T) {
	t.Parallel()
	fake := testkit.NewFakeClock()
	emu := testkit.Start(t, testkit.WithClock(fake), testkit.WithStrictAuth(webCredential))
	rec := record(t, emu, "$aws/events/presence/disconnected/#", "wsttl/sentinel/#")
	host := strings.TrimSuffix(strings.TrimPrefix(emu.WebSocketURL(), "ws://"), "/mqtt")
	d := websocket.Dialer{Subprotocols: []string{"mqtt"}, HandshakeTimeout: wait}
	conn, _, err := d.Dial(presignWSExpires(host, webCredential, fake.Now(), 86400), nil) // as the AWS IoT SDKs sign
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	send := func(pk packets.Packet) {
		t.Helper()
		var buf bytes.Buffer
		var err error
		if pk.FixedHeader.Type == packets.Connect {
			err = pk.ConnectEncode(&buf)
		} else {
			err = pk.PingreqEncode(&buf)
		}
		if err == nil {
			err = conn.WriteMessage(websocket.BinaryMessage, buf.Bytes())
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	expect := func(kind byte) {
		t.Helper()
		_ = conn.SetReadDeadline(time.Now().Add(wait))
		_, b, err := conn.ReadMessage()
		if err != nil || len(b) == 0 || b[0]>>4 != kind {
			t.Fatalf("want packet type %d, got % x (%v)", kind, b, err)
		}
	}
	send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}, ProtocolVersion: 4,
		Connect: packets.ConnectParams{ProtocolName: []byte("MQTT"), Clean: true, Keepalive: 1200, ClientIdentifier: "ws-ttl"}})
	expect(packets.Connack)

	// Ping every 20 minutes of the fake clock (keep-alive 1,200 s ends a
	// connection after 30 quiet minutes), each time waiting until the
	// keep-alive deadline the ping renewed is armed.
	step := 20 * time.Minute
	for elapsed := time.Duration(0); elapsed+step < 24*time.Hour; elapsed += step {
		waitArmed(t, fake, 29*time.Minute, 30*time.Minute)
		fake.Advance(step)
		send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pingreq}})
		expect(packets.Pingresp)
	}
	noEventYet(t, emu, rec, "$aws/events/presence/disconnected/ws-ttl", "wsttl/sentinel/1")
	waitArmed(t, fake, 29*time.Minute, 30*time.Minute)
	fake.Advance(step) // 24 hours since the connection
	evs := rec.waitFor(t, "$aws/events/presence/disconnected/ws-ttl")
	if ev := event(t, evs[len(evs)-1]); ev["disconnectReason"] != "WEBSOCKET_TTL_EXPIRATION" {
		t.Fatalf("event: %v", ev)
	}
}
