package emulator

import (
	"context"
	"fmt"

	"github.com/iotemu/iotemu/shadow"
)

// newShadows builds the Device Shadow service and plugs it into the
// reserved-topic table (newBroker) and the HTTP routes (internal/iotdata).
func (s *Server) newShadows() error {
	store, err := s.persist.newShadowStore()
	if err != nil {
		return err
	}
	svc, err := shadow.New(shadow.Config{
		Store: store,
		Publisher: s.fleet.shadowPublisher(shadow.PublisherFunc(func(ctx context.Context, topic string, payload []byte) error {
			// Responses are delivered at min(1, subscription QoS), as AWS's
			// SDK maintainers state in
			// https://github.com/aws/aws-iot-device-sdk-python/issues/113
			return s.Publish(ctx, Message{Topic: topic, Payload: payload, QoS: 1})
		})),
		Now:    s.cfg.Now,
		Logger: s.log.With("component", "shadow"),
	})
	if err != nil {
		return fmt.Errorf("set up shadows: %w", err)
	}
	s.shadows = svc
	return nil
}

// handleShadowMQTT serves what clients publish on the shadow's reserved
// topics (the broker's reserved table calls it).
func (s *Server) handleShadowMQTT(ctx context.Context, m Message) {
	if err := s.shadows.HandleMQTT(ctx, m.Topic, m.Payload); err != nil {
		s.log.Warn("shadow request failed", "topic", m.Topic, "error", err)
	}
}

// Shadows returns the Device Shadow service, to seed or inspect shadows
// from Go.
func (s *Server) Shadows() *shadow.Service { return s.shadows }
