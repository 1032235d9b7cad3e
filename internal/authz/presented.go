package authz

import (
	"crypto/x509"
	"net"
	"net/http"
)

// Transport is how a client reached the emulator.
type Transport string

// Transports of a Presented.
const (
	TransportMQTT Transport = "mqtt" // MQTT over TCP
	TransportTLS  Transport = "tls"  // MQTT over TLS
	TransportWS   Transport = "ws"   // MQTT over WebSocket
	TransportWSS  Transport = "wss"  // MQTT over WebSocket over TLS
	TransportHTTP Transport = "http" // an iot-data HTTP(S) request
)

// Presented is what a client presented to be identified, whatever the
// transport: what identity sources read.
type Presented struct {
	Transport Transport
	// Certificate is the client's TLS certificate, nil if it sent none.
	Certificate *x509.Certificate
	// TLS is set when TLS carried the request or connection.
	TLS *TLSInfo
	// MQTT is the CONNECT packet's content; nil for an HTTP request
	// (an iot-data operation or the /mqtt upgrade).
	MQTT *Connect
	// HTTP is the iot-data request, the /mqtt upgrade, or, for MQTT over
	// WebSocket at CONNECT, the upgrade request (headers and query); nil
	// for MQTT over TCP or TLS.
	HTTP *http.Request
	// Body is the HTTP request body (for its signature); nil otherwise.
	Body []byte
	// ClientID is the MQTT client ID in force (assigned by the broker if
	// the client sent none); "" for HTTP.
	ClientID string
	// SourceIP is the client's IP address ("" if unknown).
	SourceIP string
}

// TLSInfo is what the TLS handshake told.
type TLSInfo struct {
	ServerName string // SNI; "" when the client sent none
}

// Connect is the content of an MQTT CONNECT.
type Connect struct {
	ProtocolVersion byte   // 3, 4 or 5
	ClientID        string // as sent; "" when the client sent none
	Username        string
	Password        []byte
	PasswordFlag    bool
	CleanSession    bool   // Clean Session (3.1.1) or Clean Start (5)
	SessionExpiry   uint32 // MQTT 5 Session Expiry Interval
	Will            *Will  // nil without a Will
}

// Will is a CONNECT's Last Will.
type Will struct {
	Topic  string
	Retain bool
}

// IsUpgrade reports whether p is a /mqtt WebSocket upgrade request (not
// yet an MQTT connection).
func (p *Presented) IsUpgrade() bool {
	return p.MQTT == nil && (p.Transport == TransportWS || p.Transport == TransportWSS)
}

// FromHTTP is what an HTTP request presents: its TLS certificate and
// server name, headers, query and body. t is TransportHTTP for iot-data
// requests, TransportWS or TransportWSS for the /mqtt upgrade.
func FromHTTP(t Transport, r *http.Request, body []byte) *Presented {
	p := &Presented{Transport: t, HTTP: r, Body: body}
	if r.TLS != nil {
		p.TLS = &TLSInfo{ServerName: r.TLS.ServerName}
		if len(r.TLS.PeerCertificates) > 0 {
			p.Certificate = r.TLS.PeerCertificates[0]
		}
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		p.SourceIP = host
	}
	return p
}
