package broker

import (
	"errors"
	"os"
	"strings"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/internal/mqttws"
	"github.com/iotemu/iotemu/internal/topic"
)

// readConnect refuses, before mochi answers, the MQTT 3.1.1 CONNECTs that
// AWS closes without a CONNACK or that mochi would answer with an MQTT 5
// code.
func (s *Broker) readConnect(cl *mqtt.Client, pk packets.Packet) error {
	if s.refusedCertificate(cl, pk) {
		return packets.ErrRejectPacket
	}
	if pk.ProtocolVersion == 5 {
		return nil
	}
	// Observed on AWS: a v3 Will QoS 2 gets the connection closed without a
	// CONNACK (https://github.com/bertmelis/espMqttClient/issues/116).
	if pk.Connect.WillFlag && pk.Connect.WillQos == 2 {
		s.logConnect(cl, pk, "refused, connection closed: Will QoS 2")
		return packets.ErrRejectPacket
	}
	// An empty client ID with a persistent session: unconfirmed on AWS; the
	// MQTT 3.1.1 answer is CONNACK 0x02 identifier rejected [MQTT-3.1.3-8]
	// (mochi would send an MQTT 5 code).
	if pk.Connect.ClientIdentifier == "" && !pk.Connect.Clean {
		s.logConnect(cl, pk, "refused: empty client ID with a persistent session")
		_ = s.broker.SendConnack(cl, packets.ErrClientIdentifierNotValid, false, nil) // closed next anyway
		return packets.ErrRejectPacket
	}
	return nil
}

// refusedCertificate asks Config.RefuseCertificate about a TLS client's
// certificate. AWS completes the TLS handshake and then closes the
// connection of a certificate it has just registered (UNCONFIRMED where:
// without a CONNACK; docs/compatibility.md "CA certificates and JITR").
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/auto-register-device-cert.html#configure-auto-reg-first-connect
func (s *Broker) refusedCertificate(cl *mqtt.Client, pk packets.Packet) bool {
	if s.cfg.RefuseCertificate == nil {
		return false
	}
	bc, ok := cl.Net.Conn.(*brokerConn)
	if !ok {
		return false
	}
	cert := bc.peerCertificate()
	if cert == nil || !s.cfg.RefuseCertificate(cert) {
		return false
	}
	s.log.Info("connection closed: certificate registered just in time", "client", pk.Connect.ClientIdentifier)
	return true
}

// onConnect applies the client-ID, Will and keep-alive rules. A refused
// CONNECT gets CONNACK with a reason code (MQTT 5; MQTT 3.1.1 for client
// IDs) or a closed socket.
func (s *Broker) onConnect(cl *mqtt.Client, pk packets.Packet) error {
	v5 := cl.Properties.ProtocolVersion == 5
	id := pk.Connect.ClientIdentifier
	// AWS: iot-core.html#message-broker-limits "Client ID size 128 bytes";
	// "$ is reserved for AWS IoT generated client IDs":
	// https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits
	if len(id) > s.cfg.Limits.ClientIDBytes || (strings.HasPrefix(id, "$") && !s.cfg.Compat.AllowDollarClientID) {
		s.logConnect(cl, pk, "refused: client ID not valid")
		_ = s.broker.SendConnack(cl, packets.ErrClientIdentifierNotValid, false, nil) // closed next anyway
		return packets.ErrClientIdentifierNotValid
	}
	if s.auth != nil {
		if err := s.auth.authorizeConnect(cl, pk); err != nil {
			return err // logged by refuseConnect
		}
	}
	if pk.Connect.WillFlag {
		if err := s.checkWill(cl, pk, v5); err != nil {
			s.logConnect(cl, pk, "refused: Will topic "+err.Error())
			return err
		}
	}
	// AWS: keep-alive clamped to [30, 1200] s, 0 → 1200 (https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits). An
	// MQTT 5 client is told the value in CONNACK Server Keep Alive.
	if ka := s.cfg.Limits.keepAlive(pk.Connect.Keepalive); ka != pk.Connect.Keepalive {
		cl.State.Keepalive = ka
		cl.State.ServerKeepalive = v5
	}
	if bc, ok := cl.Net.Conn.(*brokerConn); ok {
		bc.onTimeout = func() { s.endConnection(cl, reasonKeepAlive, packets.ErrKeepAliveTimeout) }
		s.watchQueue(cl, bc)
		if ws, ok := bc.Conn.(*mqttws.Conn); ok {
			// AWS: life-cycle-events.html, a WebSocket Close frame is
			// CLIENT_INITIATED_DISCONNECT and sends no Last Will.
			ws.OnCloseFrame(func() { s.clientClosed(cl) })
		}
	}
	return nil
}

// checkWill refuses a Will topic AWS would not accept: malformed (CONNACK
// 0x90 "Topic Name invalid (Will topic)") or a $ topic the client may not
// publish to, which AWS treats as an authorization failure: a
// connect_failed event and CONNACK 0x87 (MQTT 3.1.1: closed, no CONNACK).
// AWS: mqtt.html CONNACK reason codes; life-cycle-events.html#connect-failed.
func (s *Broker) checkWill(cl *mqtt.Client, pk packets.Packet, v5 bool) error {
	will := pk.Connect.WillTopic
	var code packets.Code
	switch {
	case topic.ValidateName(will, s.topicLimits()) != nil:
		code = packets.ErrTopicNameInvalid
	case strings.HasPrefix(will, "$") && (pk.Connect.WillRetain || !s.reserved.mayPublish(will)):
		code = packets.ErrNotAuthorized
		ip, _ := splitHostPort(cl.Net.Conn.RemoteAddr())
		s.publishConnectFailed(cl.ID, s.principalOf(cl), ip)
	default:
		return nil
	}
	if v5 {
		_ = s.broker.SendConnack(cl, code, false, nil) // closed next anyway
	}
	return code
}

// principalOf returns the principalIdentifier of a connection: its
// identity's principal, else Compat.AnonymousPrincipal.
func (s *Broker) principalOf(cl *mqtt.Client) string {
	if p, ok := identityPrincipal(cl); ok {
		return p
	}
	return s.cfg.Compat.AnonymousPrincipal
}

// identityPrincipal returns the principal of a connection's identity: in
// strict mode the identity's principal (certificate ID, SigV4 principal,
// custom authorizer's principalId); else for mTLS the certificate ID. An
// anonymous connection has none.
func identityPrincipal(cl *mqtt.Client) (string, bool) {
	if ca := connAuthOf(cl); ca != nil {
		return ca.Identity().Principal, true
	}
	if bc, ok := cl.Net.Conn.(*brokerConn); ok {
		if cert := bc.peerCertificate(); cert != nil {
			return awsid.CertificateID(cert.Raw), true
		}
	}
	return "", false
}

// onSessionEstablish registers the new connection. If it takes over a
// connected client ID, the old connection's reason is DUPLICATE_CLIENTID.
// AWS: mqtt.html "the previously connected client is disconnected"; life-cycle-events.html.
func (s *Broker) onSessionEstablish(cl *mqtt.Client, pk packets.Packet) {
	existing, ok := s.broker.Clients.Get(cl.ID)
	if ok && !existing.Closed() {
		if old := s.conns.get(existing); old != nil {
			old.setReason(reasonDuplicateID)
		}
	}
	// mochi's own rule for inheriting a session (server.go inheritClientSession).
	resumed := ok && !pk.Connect.Clean && !(existing.Properties.Clean && existing.Properties.ProtocolVersion < 5)
	v5 := cl.Properties.ProtocolVersion == 5
	expiry := uint32(s.cfg.Limits.SessionExpiry / time.Second)
	if v5 {
		expiry = min(expiry, cl.Properties.Props.SessionExpiryInterval)
	} else if pk.Connect.Clean {
		expiry = 0
	}
	ip, port := splitHostPort(cl.Net.Conn.RemoteAddr())
	principal, identified := identityPrincipal(cl)
	if !identified {
		principal = s.cfg.Compat.AnonymousPrincipal
	}
	bc, _ := cl.Net.Conn.(*brokerConn)
	c := &conn{
		cl: cl, bc: bc, id: cl.ID, principal: principal, identified: identified, ip: ip, port: port, local: cl.Net.Conn.LocalAddr(),
		connectedAt: s.clock.Now(), keepAlive: cl.State.Keepalive, clean: expiry == 0, expiry: expiry,
		events: wantsEvents(cl.ID), ended: make(chan struct{}),
	}
	s.conns.add(c, resumed)
}

func (s *Broker) onSessionEstablished(cl *mqtt.Client, pk packets.Packet) {
	c := s.conns.get(cl)
	if c == nil {
		return
	}
	if p := c.predecessor; p != nil {
		wait := time.NewTimer(takeoverWait)
		select {
		case <-p.ended:
		case <-wait.C:
			s.log.Warn("taken-over connection did not end", "client", c.id)
		}
		wait.Stop()
		c.predecessor = nil // not kept: a chain of takeovers would keep every client before it
	}
	c.refreshFilters()
	s.logConnect(cl, pk, "accepted")
	s.publishConnected(c)
}

func (s *Broker) onDisconnect(cl *mqtt.Client, err error, expire bool) {
	c := s.conns.get(cl)
	if c == nil {
		return
	}
	reason := disconnectReason(c, err, cl.StopCause())
	s.logDisconnect(c, reason)
	at := s.clock.Now()
	if !expire && s.expiry != nil && !c.clean {
		// Armed before the event, so that whoever sees the event may move
		// the clock.
		s.expiry.sessionEnded(cl, c.expiry)
	}
	s.publishDisconnected(c, reason, at)
	s.conns.remove(c, reason, at)
	if expire && !cl.IsTakenOver() {
		s.conns.forgetSession(c.id)
	}
	close(c.ended)
}

// disconnectReason names why a connection ended, from what the emulator
// decided (takeover, refusal, API) or else from how mochi ended it.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect (disconnectReason table).
func disconnectReason(c *conn, err, cause error) string {
	if r := c.reason.Load(); r != nil {
		return *r
	}
	var code packets.Code
	switch {
	case errors.Is(cause, packets.CodeDisconnect), errors.Is(err, packets.CodeDisconnectWillMessage):
		return reasonClientInitiated
	case errors.Is(cause, packets.ErrServerShuttingDown):
		return reasonServerInitiated
	case errors.Is(cause, packets.ErrSessionTakenOver):
		return reasonDuplicateID
	case errors.Is(err, os.ErrDeadlineExceeded):
		return reasonKeepAlive
	case errors.As(err, &code) && code.Code >= packets.ErrUnspecifiedError.Code:
		return reasonClientError
	case err == nil:
		return reasonClientInitiated
	}
	return reasonConnectionLost
}

// endConnection ends a connection for a reason the emulator decided: an
// MQTT 5 client gets DISCONNECT with code first, an MQTT 3.1.1 client (which
// has no server DISCONNECT) only sees the socket close.
func (s *Broker) endConnection(cl *mqtt.Client, reason string, code packets.Code) {
	if c := s.conns.get(cl); c != nil {
		c.setReason(reason)
	}
	if cl.Properties.ProtocolVersion == 5 {
		_ = s.broker.DisconnectClient(cl, code) // returns code itself; the socket is closed
		return
	}
	cl.Stop(code)
}

// clientClosed handles a WebSocket Close frame: no Last Will, and the
// disconnect is the client's.
func (s *Broker) clientClosed(cl *mqtt.Client) {
	clearWill(cl)
	if c := s.conns.get(cl); c != nil {
		c.setReason(reasonClientInitiated)
	}
}
