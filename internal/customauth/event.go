package customauth

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// event is the event a custom authorizer's Lambda function receives;
// fields that do not apply to the transport are omitted.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth-lambda.html#custom-auth-lambda
type event struct {
	Token              string         `json:"token,omitempty"`
	SignatureVerified  bool           `json:"signatureVerified"`
	Protocols          []string       `json:"protocols"`
	ProtocolData       protocolData   `json:"protocolData"`
	ConnectionMetadata connectionMeta `json:"connectionMetadata"`
}

type protocolData struct {
	TLS  *eventTLS  `json:"tls,omitempty"`
	HTTP *eventHTTP `json:"http,omitempty"`
	MQTT *eventMQTT `json:"mqtt,omitempty"`
}

type eventTLS struct {
	ServerName string `json:"serverName"`
}

type eventHTTP struct {
	Headers     map[string]string `json:"headers"`
	QueryString string            `json:"queryString"`
}

// eventMQTT: the password is base64-encoded ("AWS IoT Core base64-encodes
// the password"); clientId only when the device sent one.
type eventMQTT struct {
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	ClientID string `json:"clientId,omitempty"`
}

type connectionMeta struct {
	ID string `json:"id"`
}

// Protocol names of the event.
const (
	protoTLS  = "tls"
	protoHTTP = "http"
	protoMQTT = "mqtt"
)

// withTLS adds the TLS data of a connection (sni: the server name the
// client asked for; "" when it sent none).
func (e *event) withTLS(sni string) {
	e.Protocols = append(e.Protocols, protoTLS)
	e.ProtocolData.TLS = &eventTLS{ServerName: sni}
}

// withHTTP adds an HTTP request's headers and query string.
func (e *event) withHTTP(r *http.Request) { e.withHeaders(r.Header, r.URL.RawQuery) }

// withHeaders adds headers and a raw query. Header names are lower-cased
// (UNCONFIRMED: AWS's case is not documented); repeated headers are joined
// with ",". queryString keeps AWS's leading "?".
func (e *event) withHeaders(header http.Header, rawQuery string) {
	e.Protocols = append(e.Protocols, protoHTTP)
	h := make(map[string]string, len(header))
	for k, vs := range header {
		h[strings.ToLower(k)] = strings.Join(vs, ",")
	}
	qs := ""
	if rawQuery != "" {
		qs = "?" + rawQuery
	}
	e.ProtocolData.HTTP = &eventHTTP{Headers: h, QueryString: qs}
}

// withMQTT adds the CONNECT's user name (as received, query string
// included: UNCONFIRMED), base64 password and client ID.
func (e *event) withMQTT(username string, password []byte, hasPassword bool, clientID string) {
	e.Protocols = append(e.Protocols, protoMQTT)
	m := &eventMQTT{Username: username, ClientID: clientID}
	if hasPassword {
		m.Password = base64.StdEncoding.EncodeToString(password)
	}
	e.ProtocolData.MQTT = m
}
