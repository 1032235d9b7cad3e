package emulator

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/internal/broker"
	"github.com/iotemu/iotemu/internal/iotdata"
	"github.com/iotemu/iotemu/internal/mqttapi"
)

// The broker (internal/broker) as the Server composes it, and its Go API.

// Message is an MQTT message the emulator publishes on behalf of a caller:
// the HTTP data plane, a Go test, or a service such as shadows or rules.
type Message = mqttapi.Message

// UserProperty is an MQTT 5 user property; order and duplicates are kept.
type UserProperty = mqttapi.UserProperty

// ErrQoS is returned for a QoS other than 0 or 1.
var ErrQoS = mqttapi.ErrQoS

// Limits are AWS IoT Core's message broker limits; the zero value of each
// field means AWS's documented default (broker.Limits documents each).
type Limits = broker.Limits

// The broker is what the iot-data plane publishes through and reads
// retained messages and connections from.
var (
	_ iotdata.Publisher     = (*broker.Broker)(nil)
	_ iotdata.RetainedStore = (*broker.Broker)(nil)
	_ iotdata.Connections   = (*broker.Broker)(nil)
)

// newBroker builds the broker; it runs last in New, once the services it
// hands messages to exist.
func (s *Server) newBroker() error {
	c := s.cfg
	var store broker.Store // a nil *datadir.Store must stay a nil interface
	if s.persist != nil {
		store = s.persist.store
	}
	b, err := broker.New(broker.Config{
		Store:  store,
		Limits: c.Limits, Logger: s.log, Authz: s.authz, AuthNow: s.authNow, Now: c.Now, Clock: c.Clock,
		Faults: s.faults,
		Rules:  matchingRules{engine: s.rules, matches: s.matches, log: s.log, now: c.Now},
		Compat: broker.Compat{
			GrantQoS1OnV5QoS2Subscribe: c.Compat.GrantQoS1OnV5QoS2Subscribe,
			ReservedTopicAckV5:         c.Compat.ReservedTopicAckV5,
			AllowDollarClientID:        c.Compat.AllowDollarClientID,
			AnonymousPrincipal:         c.Compat.AnonymousPrincipal,
			DisconnectOnDeniedV5:       c.Auth.Compat.DisconnectOnDeniedV5,
		},
		Reserved: map[string]func(context.Context, mqttapi.Message){"shadow": s.handleShadowMQTT, "jobs": s.handleJobsMQTT,
			"fleet provisioning": s.handleProvisioningMQTT},
		// Just-in-time registration (jitr.go).
		RefuseCertificate: s.refuseCertificate,
	})
	if err != nil {
		return err
	}
	s.broker = b
	return nil
}

// Publish delivers m to subscribers as if a client had published it; it
// returns once the message is handed to every subscriber's queue.
func (s *Server) Publish(ctx context.Context, m Message) error { return s.broker.Publish(ctx, m) }

// Subscribe calls fn for every message published to a topic matching
// filter, from any client or from Publish, until the returned function is
// called. fn runs on the publishing goroutine and must not block.
func (s *Server) Subscribe(filter string, fn func(Message)) (unsubscribe func(), err error) {
	return s.broker.Subscribe(filter, fn)
}

// handleWebSocket hands GET /mqtt to the broker while the Server runs,
// counted among the goroutines Close waits for.
func (s *Server) handleWebSocket(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.state != started {
		s.mu.Unlock()
		http.Error(w, "server is not running", http.StatusServiceUnavailable)
		return
	}
	s.serving.Add(1) // under mu, so Close's Wait cannot begin before it
	s.mu.Unlock()
	defer s.serving.Done()
	s.broker.HandleWebSocket(w, r)
}

// DroppedDeliveries returns how many deliveries were dropped because a
// subscriber stopped reading (its queue stayed full).
func (s *Server) DroppedDeliveries() int64 { return s.broker.DroppedDeliveries() }
