package broker

import (
	"crypto/tls"
	"errors"
	"net/http"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/internal/authz"
	"github.com/iotemu/iotemu/internal/awsrest"
)

// Strict mode's glue between mochi and internal/authz, which decides who a
// client is and what it may do: this file turns a CONNECT into what the
// client presented, the decisions into CONNACK codes and mochi packets, and
// keeps each connection's authz.Conn on its brokerConn. The custom
// authorizer's deadlines are run by authtimers.go.
//
// In permissive mode Broker.auth is nil: every check is one nil test.

// authCore is strict mode's authorizer, seen from the broker.
type authCore struct {
	s *Broker
	z *authz.Authorizer
}

// reasonAuthError is the disconnectReason of a connection ended because an
// operation was not authorised: "failed to authenticate or authorization
// failed".
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect
const reasonAuthError = "AUTH_ERROR"

// authorizeConnect authenticates a CONNECT and authorises iot:Connect (and
// the Will); the connection's authorisation is kept on its brokerConn and
// a custom authorizer's deadlines are armed.
func (a *authCore) authorizeConnect(cl *mqtt.Client, pk packets.Packet) error {
	bc, _ := cl.Net.Conn.(*brokerConn)
	var upgraded *authz.Identity
	if bc != nil {
		upgraded = bc.upgraded
	}
	conn, id, err := a.z.Connect(a.s.authTimers.ctx, presentedOf(cl, bc, pk), upgraded)
	if err != nil {
		return a.refuseConnect(cl, pk, id, err)
	}
	if bc != nil {
		bc.auth.Store(conn)
		a.s.authTimers.arm(cl, id)
	}
	return nil
}

// presentedOf is what an MQTT client presented: its CONNECT, certificate,
// TLS server name and, over WebSocket, the upgrade request.
func presentedOf(cl *mqtt.Client, bc *brokerConn, pk packets.Packet) *authz.Presented {
	c := pk.Connect
	p := &authz.Presented{Transport: authz.TransportMQTT, ClientID: cl.ID, MQTT: &authz.Connect{
		ProtocolVersion: cl.Properties.ProtocolVersion, ClientID: c.ClientIdentifier, Username: string(c.Username),
		Password: c.Password, PasswordFlag: c.PasswordFlag, CleanSession: c.Clean,
		SessionExpiry: pk.Properties.SessionExpiryInterval,
	}}
	if c.WillFlag {
		p.MQTT.Will = &authz.Will{Topic: c.WillTopic, Retain: c.WillRetain}
	}
	p.SourceIP, _ = splitHostPort(cl.Net.Conn.RemoteAddr())
	if bc == nil {
		return p
	}
	p.Certificate = bc.peerCertificate()
	if r := bc.upgrade; r != nil {
		p.Transport, p.HTTP = authz.TransportWS, r
		if r.TLS != nil {
			p.Transport, p.TLS = authz.TransportWSS, &authz.TLSInfo{ServerName: r.TLS.ServerName}
		}
	} else if tc, ok := bc.Conn.(*tls.Conn); ok {
		p.Transport, p.TLS = authz.TransportTLS, &authz.TLSInfo{ServerName: tc.ConnectionState().ServerName}
	}
	return p
}

// refuseConnect answers a refused CONNECT: CONNACK 0x87 (or the source's
// code) on MQTT 5, a closed socket on MQTT 3.1.1, and connect_failed when
// authz says so.
func (a *authCore) refuseConnect(cl *mqtt.Client, pk packets.Packet, id *authz.Identity, err error) error {
	s := a.s
	if principal, ok := a.z.ReportRefusal(id); ok {
		ip, _ := splitHostPort(cl.Net.Conn.RemoteAddr())
		s.publishConnectFailed(cl.ID, principal, ip)
	}
	reason := err.Error()
	if cause := errors.Unwrap(err); cause != nil {
		reason = cause.Error()
	}
	s.logConnect(cl, pk, "refused: "+reason)
	code := packets.ErrNotAuthorized
	if authz.AsError(err).Connack == packets.ErrBadUsernameOrPassword.Code {
		code = packets.ErrBadUsernameOrPassword
	}
	if cl.Properties.ProtocolVersion == 5 {
		_ = s.broker.SendConnack(cl, code, false, nil) // closed next anyway
	}
	return code
}

// connAuthOf returns a client's authorisation; nil for the inline client
// (the emulator itself, never checked).
func connAuthOf(cl *mqtt.Client) *authz.Conn {
	if bc, ok := cl.Net.Conn.(*brokerConn); ok {
		return bc.auth.Load()
	}
	return nil
}

// publishDenied reports whether a client's PUBLISH is denied.
func (a *authCore) publishDenied(cl *mqtt.Client, topic string, retain bool) bool {
	c := connAuthOf(cl)
	return c == nil || !c.MayPublish(topic, retain)
}

// subscribeDenied reports whether a filter is denied to a client.
func (a *authCore) subscribeDenied(cl *mqtt.Client, filter string) bool {
	c := connAuthOf(cl)
	return c == nil || !c.MaySubscribe(filter)
}

// receiveDenied reports whether a delivery of topic to a client is
// denied: the message is skipped for that client.
func (a *authCore) receiveDenied(cl *mqtt.Client, topic string) bool {
	c := connAuthOf(cl)
	return c == nil || !c.MayReceive(topic)
}

// deny answers a PUBLISH or SUBSCRIBE the policies deny: the connection
// ends (authz.DisconnectOnDenied), or, on MQTT 5, PUBACK 0x87 for a QoS 1
// PUBLISH (QoS 0: dropped); a SUBSCRIBE is answered by mochi with SUBACK
// 0x87 (hook.OnSubscribe). It returns the packet mochi should act on, or
// an error that ends the connection.
func (a *authCore) deny(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if a.z.DisconnectOnDenied(cl.Properties.ProtocolVersion) {
		a.s.endConnection(cl, reasonAuthError, packets.ErrNotAuthorized)
		return pk, packets.ErrRejectPacket
	}
	if pk.FixedHeader.Type == packets.Subscribe {
		return pk, nil
	}
	if pk.FixedHeader.Qos == 1 {
		_ = cl.WritePacket(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Puback},
			PacketID: pk.PacketID, ReasonCode: packets.ErrNotAuthorized.Code}) // a failed write ends the client anyway
	}
	return neutral(pk), nil
}

// upgrade authenticates a /mqtt upgrade; a refusal is answered here with
// AWS's HTTP error and no upgrade. A nil identity leaves it to the CONNECT.
func (a *authCore) upgrade(w http.ResponseWriter, r *http.Request) (*authz.Identity, bool) {
	id, err := a.z.Upgrade(r.Context(), r)
	if err != nil {
		awsrest.WriteError(w, awsrest.RequestID(w), authz.AsError(err).APIError())
		return nil, false
	}
	return id, true
}
