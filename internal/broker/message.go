package broker

import (
	"context"
	"fmt"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/internal/mqttapi"
	"github.com/iotemu/iotemu/internal/topic"
)

// Message is internal/mqttapi's: the root re-exports it as
// emulator.Message, and the services build it without importing the broker.
type Message = mqttapi.Message

// UserProperty is internal/mqttapi's MQTT 5 user property.
type UserProperty = mqttapi.UserProperty

// Publish delivers m to subscribers as if a client had published it; it
// returns once the message is handed to every subscriber's queue.
func (s *Broker) Publish(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if m.QoS > 1 {
		return fmt.Errorf("publish %q: %w", m.Topic, mqttapi.ErrQoS)
	}
	if err := topic.ValidateName(m.Topic, s.topicLimits()); err != nil {
		return fmt.Errorf("publish %q: %w", m.Topic, err)
	}
	if err := s.broker.InjectPacket(s.inline, packetOf(m)); err != nil {
		return fmt.Errorf("publish %q: %w", m.Topic, err)
	}
	return nil
}

func (s *Broker) topicLimits() topic.Limits {
	return topic.Limits{MaxBytes: s.cfg.Limits.TopicBytes, MaxLevels: s.cfg.Limits.TopicLevels}
}

// packetOf converts a Message to the mochi packet that carries it.
func packetOf(m Message) packets.Packet {
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

// Subscribe calls fn for every message published to a topic matching
// filter, from any client or from Publish, until the returned function is
// called. fn runs on the publishing goroutine and must not block.
func (s *Broker) Subscribe(filter string, fn func(Message)) (unsubscribe func(), err error) {
	if err := topic.ValidateFilter(filter, s.topicLimits()); err != nil {
		return nil, fmt.Errorf("subscribe %q: %w", filter, err)
	}
	id := int(s.inlineSubs.Add(1))
	handler := func(_ *mqtt.Client, _ packets.Subscription, pk packets.Packet) { fn(messageOf(pk)) }
	if err := s.broker.Subscribe(filter, id, handler); err != nil {
		return nil, fmt.Errorf("subscribe %q: %w", filter, err)
	}
	var once sync.Once
	return func() {
		once.Do(func() { _ = s.broker.Unsubscribe(filter, id) }) // validated above; cannot fail
	}, nil
}

// messageOf converts a mochi packet to a Message.
func messageOf(pk packets.Packet) Message {
	m := Message{
		Topic:             pk.TopicName,
		Payload:           pk.Payload,
		QoS:               pk.FixedHeader.Qos,
		Retain:            pk.FixedHeader.Retain,
		ContentType:       pk.Properties.ContentType,
		ResponseTopic:     pk.Properties.ResponseTopic,
		CorrelationData:   pk.Properties.CorrelationData,
		PayloadFormatUTF8: pk.Properties.PayloadFormatFlag && pk.Properties.PayloadFormat == 1,
		MessageExpiry:     time.Duration(pk.Properties.MessageExpiryInterval) * time.Second,
	}
	for _, u := range pk.Properties.User {
		m.UserProperties = append(m.UserProperties, UserProperty{Key: u.Key, Value: u.Val})
	}
	return m
}
