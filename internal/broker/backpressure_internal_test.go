package broker

import (
	"testing"

	mqtt "github.com/mochi-mqtt/server/v2"
)

// TestOutboundQueueVisible keeps backpressure honest across mochi
// upgrades: the unexported outbound queue must still be found.
func TestOutboundQueueVisible(t *testing.T) {
	if outboundIndex == nil {
		t.Fatal("mochi's ClientState has no outbound channel any more: backpressure is off")
	}
	cl := mqtt.New(&mqtt.Options{}).NewClient(nil, "t", "c", false)
	if n, capacity := outboundQueue(cl); n != 0 || capacity == 0 {
		t.Fatalf("outbound queue %d/%d, want empty with a capacity", n, capacity)
	}
}
