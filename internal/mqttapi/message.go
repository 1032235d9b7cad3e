package mqttapi

import (
	"errors"
	"time"
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
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt5
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

// MaxMessageExpiry is AWS's cap on the MQTT 5 message expiry interval, in
// seconds: 7 days.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt5
const MaxMessageExpiry = 604800

// Retained is a topic's retained message and when it was stored.
type Retained struct {
	Message
	LastModified time.Time
}
