package emulator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/emulator/internal/topic"
)

// Message is an MQTT message the emulator publishes on behalf of a caller:
// the HTTP data plane, a Go test, or a service such as shadows or rules.
type Message struct {
	Topic   string
	Payload []byte
	QoS     byte // 0 or 1; AWS has no QoS 2
	Retain  bool

	// MQTT 5 properties, passed to MQTT 5 subscribers; MQTT 3.1.1
	// subscribers receive the message without them.
	// AWS: mqtt.html#mqtt5 (broker.md §1.9).
	ContentType       string
	ResponseTopic     string
	CorrelationData   []byte
	UserProperties    []UserProperty
	PayloadFormatUTF8 bool          // payload format indicator 1
	MessageExpiry     time.Duration // 0 = never; whole seconds on the wire
}

// UserProperty is an MQTT 5 user property; order and duplicates are kept.
type UserProperty struct {
	Key, Value string
}

// ErrQoS is returned for a QoS other than 0 or 1.
var ErrQoS = errors.New("qos must be 0 or 1")

// Publish delivers m to subscribers as if a client had published it; it
// returns once the message is handed to every subscriber's queue.
func (s *Server) Publish(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if m.QoS > 1 {
		return fmt.Errorf("publish %q: %w", m.Topic, ErrQoS)
	}
	if err := topic.ValidateName(m.Topic, s.topicLimits()); err != nil {
		return fmt.Errorf("publish %q: %w", m.Topic, err)
	}
	if err := s.broker.InjectPacket(s.inline, m.packet()); err != nil {
		return fmt.Errorf("publish %q: %w", m.Topic, err)
	}
	return nil
}

func (s *Server) topicLimits() topic.Limits {
	return topic.Limits{MaxBytes: s.cfg.Limits.TopicBytes, MaxLevels: s.cfg.Limits.TopicLevels}
}

func (m Message) packet() packets.Packet {
	pk := packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: m.QoS, Retain: m.Retain},
		TopicName:   m.Topic,
		Payload:     m.Payload,
		PacketID:    uint16(m.QoS), // mochi validates that a QoS>0 packet has an ID; the inline client never acks
		Properties: packets.Properties{
			ContentType:           m.ContentType,
			ResponseTopic:         m.ResponseTopic,
			CorrelationData:       m.CorrelationData,
			MessageExpiryInterval: uint32(m.MessageExpiry / time.Second),
		},
	}
	if m.PayloadFormatUTF8 {
		pk.Properties.PayloadFormat, pk.Properties.PayloadFormatFlag = 1, true
	}
	for _, u := range m.UserProperties {
		pk.Properties.User = append(pk.Properties.User, packets.UserProperty{Key: u.Key, Val: u.Value})
	}
	return pk
}
