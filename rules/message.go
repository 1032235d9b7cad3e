package rules

import "time"

// PayloadFormat is the MQTT 5 payload format indicator of a message.
type PayloadFormat int

// Payload format indicator values.
const (
	PayloadFormatUnset PayloadFormat = iota
	PayloadFormatBytes               // 0: UNSPECIFIED_BYTES
	PayloadFormatUTF8                // 1: UTF8_DATA
)

// Message is one published message offered to the rules.
type Message struct {
	Topic   string
	Payload []byte
	// ClientID is the publisher's MQTT client id; "" makes clientid() return
	// "n/a" (not sent over MQTT).
	ClientID string
	// Principal is returned by principal() (certificate id, IAM identity).
	Principal string
	// SourceIP is returned by sourceip().
	SourceIP string
	// Timestamp is the time the broker received the message; zero means
	// Config.Now().
	Timestamp time.Time
	QoS       byte
	Retain    bool
	// MQTT 5 properties, read by get_mqtt_property and get_user_properties.
	UserProperties  [][2]string
	ContentType     string
	ResponseTopic   string
	CorrelationData []byte
	PayloadFormat   PayloadFormat
	MessageExpiry   time.Duration
	// TraceID is returned by traceid(); "" makes it Undefined (not MQTT).
	TraceID string
}

func (p PayloadFormat) awsName() string {
	switch p {
	case PayloadFormatBytes:
		return "UNSPECIFIED_BYTES"
	case PayloadFormatUTF8:
		return "UTF8_DATA"
	}
	return ""
}
