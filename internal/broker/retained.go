package broker

import (
	"strings"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/internal/mqttapi"
)

// retained returns the retained message of a topic. mochi's own $SYS
// messages are not AWS's: $ topics never hold a retained message on AWS
// (RETAIN on reserved topics is refused).
func (s *Broker) retained(topic string) (packets.Packet, bool) {
	if strings.HasPrefix(topic, "$") {
		return packets.Packet{}, false
	}
	pk, ok := s.broker.Topics.Retained.Get(topic)
	return pk, ok && len(pk.Payload) > 0
}

// RetainedMessage returns the retained message of a topic
// (GetRetainedMessage).
func (s *Broker) RetainedMessage(topic string) (mqttapi.Retained, bool) {
	pk, ok := s.retained(topic)
	if !ok {
		return mqttapi.Retained{}, false
	}
	return retainedOf(pk), true
}

// RetainedMessages returns every retained message by topic
// (ListRetainedMessages), without mochi's $SYS ones.
func (s *Broker) RetainedMessages() map[string]mqttapi.Retained {
	all := s.broker.Topics.Retained.GetAll()
	out := make(map[string]mqttapi.Retained, len(all))
	for t, pk := range all {
		if !strings.HasPrefix(t, "$") && len(pk.Payload) > 0 {
			out[t] = retainedOf(pk)
		}
	}
	return out
}

func retainedOf(pk packets.Packet) mqttapi.Retained {
	return mqttapi.Retained{Message: messageOf(pk), LastModified: time.Unix(pk.Created, 0)}
}
