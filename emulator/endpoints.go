package emulator

import (
	"net"
	"net/url"
)

// Endpoints are the URLs clients use, one per listener; empty when the
// listener is disabled or the server has not started.
type Endpoints struct {
	MQTT         string `json:"mqtt,omitempty"`         // mqtt://host:port
	MQTTTLS      string `json:"mqttTls,omitempty"`      // mqtts://host:port
	HTTP         string `json:"http,omitempty"`         // http://host:port, the --endpoint-url of aws iot-data
	HTTPS        string `json:"https,omitempty"`        // https://host:port
	WebSocket    string `json:"webSocket,omitempty"`    // ws://host:port/mqtt
	WebSocketTLS string `json:"webSocketTls,omitempty"` // wss://host:port/mqtt
	APIGateway   string `json:"apiGateway,omitempty"`   // ws://host:port, WebSocket APIs at /{stage}
	// APIGatewayTLS is the same port over TLS (sniffed per connection):
	// wss://host:port/{stage}, and https://host:port/{stage} for @connections.
	APIGatewayTLS string `json:"apiGatewayTls,omitempty"`

	// AWS's port 443 shape (Config.HTTPSALPN): HTTPS and WSS without a
	// client-certificate request; MQTT with mTLS when the client offers
	// ALPN x-amzn-mqtt-ca.
	HTTPSALPN     string `json:"httpsAlpn,omitempty"`     // https://host:port
	WebSocketALPN string `json:"webSocketAlpn,omitempty"` // wss://host:port/mqtt, for browsers
	MQTTALPN      string `json:"mqttAlpn,omitempty"`      // mqtts://host:port, ALPN x-amzn-mqtt-ca
}

// Endpoints returns the URLs of the started server.
func (s *Server) Endpoints() Endpoints {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.endpointsLocked()
}

func (s *Server) endpointsLocked() Endpoints {
	u := func(scheme, listener, path string) string {
		ln, ok := s.bound[listener]
		if !ok {
			return ""
		}
		return (&url.URL{Scheme: scheme, Host: dialable(ln.Addr()), Path: path}).String()
	}
	return Endpoints{
		MQTT:          u("mqtt", listenerMQTT, ""),
		MQTTTLS:       u("mqtts", listenerMQTTTLS, ""),
		HTTP:          u("http", listenerHTTP, ""),
		HTTPS:         u("https", listenerHTTPS, ""),
		WebSocket:     u("ws", listenerHTTP, "/mqtt"),
		WebSocketTLS:  u("wss", listenerHTTPS, "/mqtt"),
		APIGateway:    u("ws", listenerAPIGateway, ""),
		APIGatewayTLS: u("wss", listenerAPIGateway, ""),

		HTTPSALPN:     u("https", listenerHTTPSALPN, ""),
		WebSocketALPN: u("wss", listenerHTTPSALPN, "/mqtt"),
		MQTTALPN:      u("mqtts", listenerHTTPSALPN, ""),
	}
}

// dialable turns a bound address into one a client can dial: a wildcard
// host (0.0.0.0, ::) becomes localhost.
func dialable(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func (s *Server) addr(listener string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ln, ok := s.bound[listener]; ok {
		return dialable(ln.Addr())
	}
	return ""
}

// MQTTAddr returns host:port of the MQTT over TCP listener.
func (s *Server) MQTTAddr() string { return s.addr(listenerMQTT) }

// MQTTTLSAddr returns host:port of the MQTT over TLS listener.
func (s *Server) MQTTTLSAddr() string { return s.addr(listenerMQTTTLS) }

// HTTPURL returns the base URL of the HTTP listener, the value for an AWS
// SDK's BaseEndpoint or the CLI's --endpoint-url.
func (s *Server) HTTPURL() string { return s.Endpoints().HTTP }

// HTTPSURL returns the base URL of the HTTPS listener.
func (s *Server) HTTPSURL() string { return s.Endpoints().HTTPS }

// WebSocketURL returns the ws:// URL of MQTT over WebSocket.
func (s *Server) WebSocketURL() string { return s.Endpoints().WebSocket }
