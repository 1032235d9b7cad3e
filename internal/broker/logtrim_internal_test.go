package broker

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/mochi-mqtt/server/v2/packets"
)

// TestTrimHandlerBoundsPackets: mochi's "error processing packet" warning
// with a 100 KB PUBLISH is a few hundred bytes (issue 13: 402 KB).
func TestTrimHandlerBoundsPackets(t *testing.T) {
	var out bytes.Buffer
	log := slog.New(trimHandler{slog.NewTextHandler(&out, nil)}).With("component", "mqtt")
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: 1}, PacketID: 7,
		TopicName: strings.Repeat("t", 1000), Payload: bytes.Repeat([]byte{'x'}, 100<<10)}
	log.Warn("error processing packet", "error", errors.New(strings.Repeat("e", 5000)), "client", "c", "pk", pk, "ptr", &pk)
	if out.Len() > 2048 {
		t.Fatalf("%d bytes logged: %.300s", out.Len(), out.String())
	}
	if !strings.Contains(out.String(), "payload=102400 bytes") {
		t.Fatalf("no packet summary in %s", out.String())
	}
}
