package broker

import (
	"fmt"
	"strconv"

	"github.com/mochi-mqtt/server/v2/hooks/storage"
)

// A stored record is read only when it agrees with the key it is stored
// under (the keys of store.go) and names what mochi needs: a record
// changed or cut behind iotemu's back — a session without a client ID, a
// subscription without a filter, a message without a topic — refuses the
// data directory instead of being restored as something else
// (FuzzDataDir). The message is the directory's, not a client's.

func checkSession(key string, c *storage.Client) error {
	if c.ID == "" || c.ID != key {
		return fmt.Errorf("session record under %q is for client %q", key, c.ID)
	}
	return nil
}

func checkSubscription(key string, s *storage.Subscription) error {
	if s.Client == "" || s.Filter == "" || key != s.Client+"\x00"+s.Filter {
		return fmt.Errorf("subscription record under %q is for client %q, filter %q", key, s.Client, s.Filter)
	}
	if s.Qos > 1 || s.RetainHandling > 2 { // AWS grants QoS 0 or 1 only
		return fmt.Errorf("subscription record under %q: QoS %d, retain handling %d", key, s.Qos, s.RetainHandling)
	}
	return nil
}

// checkMessage checks a queued or accepted message (keyed by client and
// packet ID) or, with retained, a retained one (keyed by its topic).
func checkMessage(area, key string, m *storage.Message, retained bool) error {
	want := m.TopicName
	if !retained {
		want = m.Client + "\x00" + strconv.Itoa(int(m.PacketID))
	}
	switch {
	case m.TopicName == "" || key != want || !retained && m.Client == "":
		return fmt.Errorf("%s record under %q is for topic %q, client %q, packet %d", area, key, m.TopicName, m.Client, m.PacketID)
	case m.FixedHeader.Qos > 1:
		return fmt.Errorf("%s record under %q: QoS %d", area, key, m.FixedHeader.Qos)
	}
	return nil
}
