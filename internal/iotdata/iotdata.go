package iotdata

import (
	"context"
	"net/http"
	"time"

	"github.com/iotemu/iotemu/internal/mqttapi"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/internal/topic"
	"github.com/iotemu/iotemu/shadow"
)

// Publisher is what Publish needs of the broker: delivering a message, and
// the reserved-topic table's answer for $ topics.
type Publisher interface {
	Publish(ctx context.Context, m mqttapi.Message) error
	MayPublish(topic string) bool
}

// RetainedStore is the broker's retained messages.
type RetainedStore interface {
	RetainedMessage(topic string) (mqttapi.Retained, bool)
	RetainedMessages() map[string]mqttapi.Retained
}

// Connections is the broker's connection registry, for the connection
// APIs and SendDirectMessage. Errors wrap mqttapi.ErrNotConnected or
// mqttapi.ErrNoPuback where they mean that.
type Connections interface {
	Connection(clientID string, now time.Time) (mqttapi.Connection, bool)
	DeleteConnection(clientID string, cleanSession, preventWill bool) error
	Subscriptions(clientID string) (map[string]byte, bool)
	SendDirect(clientID string, m mqttapi.Message, confirm bool, timeout time.Duration) error
}

// Shadows is the Device Shadow service, as the REST operations use it.
type Shadows interface {
	Get(ctx context.Context, thing, name string) ([]byte, error)
	Update(ctx context.Context, thing, name string, request []byte) ([]byte, error)
	Delete(ctx context.Context, thing, name string) ([]byte, error)
	ListNamed(ctx context.Context, thing string, pageSize int, nextToken string) (shadow.ListResult, error)
}

var _ Shadows = (*shadow.Service)(nil)

// Config is what the iot-data plane is built on; the composition root
// (package emulator) fills it.
type Config struct {
	Publisher   Publisher
	Retained    RetainedStore
	Connections Connections
	Shadows     Shadows
	// PayloadBytes and Topic are the broker's limits, applied to HTTP
	// publishes as to MQTT ones.
	PayloadBytes int
	Topic        topic.Limits
}

// Service serves the iot-data operations over HTTP.
type Service struct {
	cfg Config
}

// New returns the iot-data plane.
func New(cfg Config) *Service { return &Service{cfg: cfg} }

// Register adds the iot-data operations to the router.
func (s *Service) Register(rt *route.Router) {
	rt.HandleFunc("/topics/{topic...}", s.handlePublish, http.MethodPost)
	rt.HandleFunc("/things/{thing}/shadow", s.handleGetShadow, http.MethodGet)
	rt.HandleFunc("/things/{thing}/shadow", s.handleUpdateShadow, http.MethodPost)
	rt.HandleFunc("/things/{thing}/shadow", s.handleDeleteShadow, http.MethodDelete)
	rt.HandleFunc("/api/things/shadow/ListNamedShadowsForThing/{thing}", s.handleListNamedShadows, http.MethodGet)
	rt.HandleFunc("/retainedMessage", s.handleListRetained, http.MethodGet)
	rt.HandleFunc("/retainedMessage/{topic...}", s.handleGetRetained, http.MethodGet)
	rt.HandleFunc("/connections/{clientId}", s.handleGetConnection, http.MethodGet)
	rt.HandleFunc("/connections/{clientId}", s.handleDeleteConnection, http.MethodDelete)
	rt.HandleFunc("/connections/{clientId}/subscriptions", s.handleListSubscriptions, http.MethodGet)
	rt.HandleFunc("/connections/{clientId}/messages", s.handleSendDirectMessage, http.MethodPost)
}

func (s *Service) topicLimits() topic.Limits { return s.cfg.Topic }
