package emulator

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// authorizerEvent is the event a custom authorizer's Lambda function
// receives; fields that do not apply to the transport are omitted.
// AWS: config-custom-auth.html "Defining your Lambda function" (broker.md
// §5.5 "Lambda event").
type authorizerEvent struct {
	Token              string              `json:"token,omitempty"`
	SignatureVerified  bool                `json:"signatureVerified"`
	Protocols          []string            `json:"protocols"`
	ProtocolData       eventProtocolData   `json:"protocolData"`
	ConnectionMetadata eventConnectionMeta `json:"connectionMetadata"`
}

type eventProtocolData struct {
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

type eventConnectionMeta struct {
	ID string `json:"id"`
}

// Protocol names of the event. AWS: config-custom-auth.html.
const (
	protoTLS  = "tls"
	protoHTTP = "http"
	protoMQTT = "mqtt"
)

// withTLS adds the TLS data of a connection (sni: the server name the
// client asked for; "" when it sent none).
func (e *authorizerEvent) withTLS(sni string) {
	e.Protocols = append(e.Protocols, protoTLS)
	e.ProtocolData.TLS = &eventTLS{ServerName: sni}
}

// withHTTP adds an HTTP request's headers and query string. Header names
// are lower-cased (UNCONFIRMED: AWS's case is not documented); repeated
// headers are joined with ",". queryString keeps AWS's leading "?".
func (e *authorizerEvent) withHTTP(r *http.Request) {
	e.Protocols = append(e.Protocols, protoHTTP)
	h := make(map[string]string, len(r.Header))
	for k, vs := range r.Header {
		h[strings.ToLower(k)] = strings.Join(vs, ",")
	}
	qs := ""
	if r.URL.RawQuery != "" {
		qs = "?" + r.URL.RawQuery
	}
	e.ProtocolData.HTTP = &eventHTTP{Headers: h, QueryString: qs}
}

// withMQTT adds the CONNECT's user name (as received, query string
// included: UNCONFIRMED), base64 password and client ID.
func (e *authorizerEvent) withMQTT(username string, password []byte, hasPassword bool, clientID string) {
	e.Protocols = append(e.Protocols, protoMQTT)
	m := &eventMQTT{Username: username, ClientID: clientID}
	if hasPassword {
		m.Password = base64.StdEncoding.EncodeToString(password)
	}
	e.ProtocolData.MQTT = m
}
