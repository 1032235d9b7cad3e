package broker

import (
	"net/http"

	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/internal/authz"
	"github.com/iotemu/iotemu/internal/mqttws"
)

// upgrader accepts MQTT over WebSocket. AWS's examples send the "mqtt"
// subprotocol and the v1 JavaScript device SDK sends "mqttv3.1"; the one the
// client offers is echoed. Any origin may connect, as browsers do on AWS.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html#mqtt-ws
var upgrader = websocket.Upgrader{
	Subprotocols:    []string{"mqtt", "mqttv3.1"},
	CheckOrigin:     func(*http.Request) bool { return true },
	ReadBufferSize:  4096,
	WriteBufferSize: 4096,
}

// HandleWebSocket upgrades GET /mqtt and runs the MQTT connection on this
// goroutine until it ends. SigV4 query parameters (X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Signature,
// X-Amz-Security-Token) are accepted; permissive mode does not verify them,
// strict mode does before upgrading (authCore.upgrade). The root calls it
// only between Serve and Close, counting it among what Close waits for.
func (s *Broker) HandleWebSocket(w http.ResponseWriter, r *http.Request) {
	listener := s.mqttLns[listenerWS]
	if r.TLS != nil {
		listener = s.mqttLns[listenerWSS]
	}
	var signed *authz.Identity
	if s.auth != nil {
		var ok bool
		if signed, ok = s.auth.upgrade(w, r); !ok {
			return
		}
	}
	// AWS IoT Device SDK for Python v1: a 128-byte key and lowercase
	// headers expected (internal/mqttws/handshake.go).
	lw, err := mqttws.Lenient(w, r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ws, err := upgrader.Upgrade(lw, r, nil)
	if err != nil {
		return // Upgrade has already answered the client with the reason
	}
	conn := s.newConn(mqttws.New(ws))
	conn.upgrade, conn.upgraded = r, signed
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		conn.peer = r.TLS.PeerCertificates[0]
	}
	if err := listener.serve(s.broker.EstablishConnection, conn); err != nil {
		s.log.Debug("websocket client ended", "remote", r.RemoteAddr, "error", err)
	}
}
