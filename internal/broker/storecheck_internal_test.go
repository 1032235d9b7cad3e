package broker

import (
	"testing"

	"github.com/mochi-mqtt/server/v2/hooks/storage"
	"github.com/mochi-mqtt/server/v2/packets"
)

// TestStoredRecordsMustMatchTheirKeys: a record that does not name what
// its key says (an emptied or edited record: "{}" decodes) is refused.
func TestStoredRecordsMustMatchTheirKeys(t *testing.T) {
	msg := func(client, topic string, id uint16, qos byte) *storage.Message {
		return &storage.Message{Client: client, TopicName: topic, PacketID: id, FixedHeader: packets.FixedHeader{Qos: qos}}
	}
	for _, tc := range []struct {
		name string
		err  error
		ok   bool
	}{
		{"session", checkSession("c", &storage.Client{ID: "c"}), true},
		{"empty session", checkSession("c", &storage.Client{}), false},
		{"other session", checkSession("c", &storage.Client{ID: "d"}), false},
		{"subscription", checkSubscription("c\x00a/+", &storage.Subscription{Client: "c", Filter: "a/+", Qos: 1}), true},
		{"empty subscription", checkSubscription("c\x00a/+", &storage.Subscription{}), false},
		{"QoS 2 subscription", checkSubscription("c\x00a", &storage.Subscription{Client: "c", Filter: "a", Qos: 2}), false},
		{"inflight", checkMessage(areaInflight, "c\x007", msg("c", "a", 7, 1), false), true},
		{"inflight of another packet", checkMessage(areaInflight, "c\x007", msg("c", "a", 8, 1), false), false},
		{"empty inflight", checkMessage(areaInflight, "c\x000", msg("", "", 0, 0), false), false},
		{"retained", checkMessage(areaRetained, "a/b", msg("", "a/b", 0, 1), true), true},
		{"retained elsewhere", checkMessage(areaRetained, "a/b", msg("", "a/c", 0, 1), true), false},
		{"QoS 2 retained", checkMessage(areaRetained, "a", msg("", "a", 0, 2), true), false},
	} {
		if (tc.err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok=%v", tc.name, tc.err, tc.ok)
		}
	}
}
