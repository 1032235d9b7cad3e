package broker

import (
	"encoding/json"
	"strings"
	"time"
)

// Lifecycle event topics and the JSON AWS publishes on them. Field order
// follows AWS's examples; thingName is absent because the emulator has no
// exclusive thing associations yet.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect
const (
	presenceTopic      = "$aws/events/presence/"
	subscriptionsTopic = "$aws/events/subscriptions/"
)

// Disconnect reasons the emulator causes.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect
const (
	reasonClientInitiated = "CLIENT_INITIATED_DISCONNECT"
	reasonClientError     = "CLIENT_ERROR"
	reasonConnectionLost  = "CONNECTION_LOST"
	reasonDuplicateID     = "DUPLICATE_CLIENTID"
	reasonKeepAlive       = "MQTT_KEEP_ALIVE_TIMEOUT"
	reasonServerInitiated = "SERVER_INITIATED_DISCONNECT"
	reasonAPI             = "API_INITIATED_DISCONNECT"
)

type connectedEvent struct {
	ClientID            string `json:"clientId"`
	Timestamp           int64  `json:"timestamp"`
	EventType           string `json:"eventType"`
	SessionIdentifier   string `json:"sessionIdentifier"`
	PrincipalIdentifier string `json:"principalIdentifier"`
	IPAddress           string `json:"ipAddress"`
	VersionNumber       int64  `json:"versionNumber"`
}

type disconnectedEvent struct {
	ClientID                  string `json:"clientId"`
	Timestamp                 int64  `json:"timestamp"`
	EventType                 string `json:"eventType"`
	SessionIdentifier         string `json:"sessionIdentifier"`
	PrincipalIdentifier       string `json:"principalIdentifier"`
	ClientInitiatedDisconnect bool   `json:"clientInitiatedDisconnect"`
	DisconnectReason          string `json:"disconnectReason"`
	VersionNumber             int64  `json:"versionNumber"`
}

type subscriptionEvent struct {
	ClientID            string   `json:"clientId"`
	Timestamp           int64    `json:"timestamp"`
	EventType           string   `json:"eventType"`
	SessionIdentifier   string   `json:"sessionIdentifier"`
	PrincipalIdentifier string   `json:"principalIdentifier"`
	Topics              []string `json:"topics"`
}

// connectFailedEvent has no versionNumber.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-authfailure-event
type connectFailedEvent struct {
	ClientID             string `json:"clientId"`
	Timestamp            int64  `json:"timestamp"`
	EventType            string `json:"eventType"`
	ConnectFailureReason string `json:"connectFailureReason"`
	PrincipalIdentifier  string `json:"principalIdentifier"`
	SessionIdentifier    string `json:"sessionIdentifier"`
	IPAddress            string `json:"ipAddress"`
}

// wantsEvents reports whether a client ID gets lifecycle events.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect
// "Client IDs that contain # or + do not receive lifecycle events.".
func wantsEvents(clientID string) bool { return !strings.ContainsAny(clientID, "+#") }

func millis(t time.Time) int64 { return t.UnixMilli() }

func (s *Broker) publishConnected(c *conn) {
	if !c.events {
		return
	}
	s.publishEvent(presenceTopic+"connected/"+c.id, connectedEvent{
		ClientID: c.id, Timestamp: millis(c.connectedAt), EventType: "connected",
		SessionIdentifier: c.session, PrincipalIdentifier: c.principal, IPAddress: c.ip, VersionNumber: c.version,
	})
}

func (s *Broker) publishDisconnected(c *conn, reason string, at time.Time) {
	if !c.events {
		return
	}
	s.publishEvent(presenceTopic+"disconnected/"+c.id, disconnectedEvent{
		ClientID: c.id, Timestamp: millis(at), EventType: "disconnected",
		SessionIdentifier: c.session, PrincipalIdentifier: c.principal,
		ClientInitiatedDisconnect: reason == reasonClientInitiated, DisconnectReason: reason, VersionNumber: c.version,
	})
}

// publishSubscriptions publishes one event per SUBSCRIBE or UNSUBSCRIBE
// packet, listing its filters (whether AWS splits them is unconfirmed).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#subscribe-unsubscribe-events
func (s *Broker) publishSubscriptions(c *conn, eventType string, filters []string) {
	if !c.events || len(filters) == 0 {
		return
	}
	s.publishEvent(subscriptionsTopic+eventType+"/"+c.id, subscriptionEvent{
		ClientID: c.id, Timestamp: millis(s.clock.Now()), EventType: eventType,
		SessionIdentifier: c.session, PrincipalIdentifier: c.principal, Topics: filters,
	})
}

func (s *Broker) publishConnectFailed(clientID, principal, ip string) {
	if !wantsEvents(clientID) {
		return
	}
	s.publishEvent(presenceTopic+"connect_failed/"+clientID, connectFailedEvent{
		ClientID: clientID, Timestamp: millis(s.clock.Now()), EventType: "connect_failed",
		ConnectFailureReason: "AUTHORIZATION_FAILED", PrincipalIdentifier: principal,
		SessionIdentifier: newSessionID(), IPAddress: ip,
	})
}

// publishEvent publishes a lifecycle event through the inline client, so
// that subscribers and the rules engine see it like any message. Events go
// at QoS 1 (AWS's QoS is unconfirmed) and skip the topic
// limits: a client ID may hold slashes.
func (s *Broker) publishEvent(topic string, v any) {
	payload, err := json.Marshal(v)
	if err != nil {
		s.log.Error("encode lifecycle event", "topic", topic, "error", err)
		return
	}
	if err := s.broker.InjectPacket(s.inline, packetOf(Message{Topic: topic, Payload: payload, QoS: 1})); err != nil {
		s.log.Debug("publish lifecycle event", "topic", topic, "error", err)
	}
}
