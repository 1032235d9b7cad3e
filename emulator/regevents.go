package emulator

import (
	"context"

	iotreg "github.com/iotemu/iotemu/registry"
)

// Registry events: the registry makes them (registry/events.go); the
// Server publishes those whose type is enabled in the event configurations
// (UpdateEventConfigurations), at QoS 1 like the other $aws/events.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html#registry-events
func (s *Server) publishRegistryEvent(e iotreg.Event) {
	if s.events == nil || s.broker == nil || !s.events.Enabled(e.Type) {
		return
	}
	if err := s.Publish(context.Background(), Message{Topic: e.Topic, Payload: e.Payload, QoS: 1}); err != nil {
		s.log.Warn("registry event not published", "topic", e.Topic, "error", err)
	}
}
