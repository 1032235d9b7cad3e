package emulator

import (
	"errors"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/policy"
)

// connAuth is what one MQTT connection may do: its identity and the
// policy variables of the connection, built once at CONNECT and read on
// every PUBLISH, SUBSCRIBE and delivery (brokerConn.auth).
type connAuth struct {
	id  *authIdentity
	ctx *policy.Context
}

// reasonAuthError is the disconnectReason of a connection ended because an
// operation was not authorised. AWS: life-cycle-events.html AUTH_ERROR
// "failed to authenticate or authorization failed" (broker.md §3.2).
const reasonAuthError = "AUTH_ERROR"

// authorizeConnect authenticates a CONNECT and authorises iot:Connect (and
// iot:Publish on the Will topic). A refused client gets CONNACK 0x87 (or
// the source's code) on MQTT 5 and a closed socket on MQTT 3.1.1, and a
// connect_failed event when its principal belongs to the account.
// AWS: broker.md §1.3, §1.12, §3.3; connect-policy.html.
func (a *authCore) authorizeConnect(cl *mqtt.Client, pk packets.Packet) error {
	bc, _ := cl.Net.Conn.(*brokerConn)
	id, err := a.identityOf(cl, bc, pk)
	if err != nil {
		return a.refuseConnect(cl, id, err)
	}
	ca := &connAuth{id: id, ctx: policy.ConnectionContext(a.connection(cl, id, pk))}
	if !id.allowed(policy.ActionConnect, a.clientPrefix+cl.ID, ca.ctx) {
		return a.refuseConnect(cl, id, forbidden(errors.New("iot:Connect denied")))
	}
	if w := pk.Connect; w.WillFlag {
		if !ca.mayPublish(a, w.WillTopic, w.WillRetain) {
			return a.refuseConnect(cl, id, forbidden(errors.New("iot:Publish denied on the Will topic")))
		}
	}
	if bc != nil {
		bc.auth.Store(ca)
	}
	return nil
}

// identityOf is the identity established at the WebSocket upgrade, or the
// one the sources find in the CONNECT.
func (a *authCore) identityOf(cl *mqtt.Client, bc *brokerConn, pk packets.Packet) (*authIdentity, error) {
	if bc != nil && bc.upgraded != nil {
		return bc.upgraded, nil
	}
	return a.resolveMQTT(cl, pk)
}

// connection is the policy.Connection of a CONNECT: what the source knows,
// plus the client ID, source IP, connect attributes and, for identities
// that are not certificates, the thing named by the client ID.
func (a *authCore) connection(cl *mqtt.Client, id *authIdentity, pk packets.Packet) policy.Connection {
	c := id.conn
	c.ClientID = cl.ID
	c.SourceIP, _ = splitHostPort(cl.Net.Conn.RemoteAddr())
	if id.lookupThing && c.ThingName == "" {
		setThing(&c, a.s.iotreg.IdentityForPrincipal(id.principal, cl.ID))
	}
	// AWS: connect-policy.html; which MQTT 5 properties make a
	// PersistentConnect is unconfirmed (broker.md §6.5): a session that
	// outlives the connection does.
	persistent := !pk.Connect.Clean
	if cl.Properties.ProtocolVersion == 5 {
		persistent = pk.Properties.SessionExpiryInterval > 0
	}
	if persistent {
		c.ConnectAttributes = append(c.ConnectAttributes, policy.ConnectAttrPersistent)
	}
	if pk.Connect.WillFlag {
		c.ConnectAttributes = append(c.ConnectAttributes, policy.ConnectAttrLastWill)
	}
	return c
}

// refuseConnect answers a refused CONNECT and publishes connect_failed.
func (a *authCore) refuseConnect(cl *mqtt.Client, id *authIdentity, err error) error {
	var ae *authError
	if !errors.As(err, &ae) {
		ae = forbidden(err)
	}
	s := a.s
	if (id != nil && id.registered) || s.cfg.Auth.Compat.ConnectFailedForUnknown {
		principal := s.cfg.Compat.AnonymousPrincipal
		if id != nil {
			principal = id.principal
		}
		ip, _ := splitHostPort(cl.Net.Conn.RemoteAddr())
		s.publishConnectFailed(cl.ID, principal, ip)
	}
	s.log.Debug("connect refused", "client", cl.ID, "error", err)
	if cl.Properties.ProtocolVersion == 5 {
		_ = s.broker.SendConnack(cl, ae.connack, false, nil) // closed next anyway
	}
	return ae.connack
}

// mayPublish authorises iot:Publish on topic, and iot:RetainPublish too
// when retain is set. AWS: iot-policy-actions.html (broker.md §6.2).
func (ca *connAuth) mayPublish(a *authCore, topic string, retain bool) bool {
	arn := a.topicPrefix + topic
	if !ca.id.allowed(policy.ActionPublish, arn, ca.ctx) {
		return false
	}
	return !retain || ca.id.allowed(policy.ActionRetainPublish, arn, ca.ctx)
}

// maySubscribe authorises iot:Subscribe on the literal filter.
// AWS: pub-sub-policy.html, broker.md §6.3.
func (ca *connAuth) maySubscribe(a *authCore, filter string) bool {
	return ca.id.allowed(policy.ActionSubscribe, a.filterPrefix+filter, ca.ctx)
}

// mayReceive authorises iot:Receive on a delivered topic.
func (ca *connAuth) mayReceive(a *authCore, topic string) bool {
	return ca.id.allowed(policy.ActionReceive, a.topicPrefix+topic, ca.ctx)
}

// connAuthOf returns a client's authorisation; nil for the inline client
// (the emulator itself, never checked).
func connAuthOf(cl *mqtt.Client) *connAuth {
	if bc, ok := cl.Net.Conn.(*brokerConn); ok {
		return bc.auth.Load()
	}
	return nil
}

// publishDenied reports whether a client's PUBLISH is denied.
func (a *authCore) publishDenied(cl *mqtt.Client, topic string, retain bool) bool {
	ca := connAuthOf(cl)
	return ca == nil || !ca.mayPublish(a, topic, retain)
}

// subscribeDenied reports whether a filter is denied to a client.
func (a *authCore) subscribeDenied(cl *mqtt.Client, filter string) bool {
	ca := connAuthOf(cl)
	return ca == nil || !ca.maySubscribe(a, filter)
}

// receiveDenied reports whether a delivery of topic to a client is
// denied: the message is skipped for that client. AWS: iot:Receive "is
// checked every time a message is delivered" (broker.md §1.12).
func (a *authCore) receiveDenied(cl *mqtt.Client, topic string) bool {
	ca := connAuthOf(cl)
	return ca == nil || !ca.mayReceive(a, topic)
}

// deny answers a PUBLISH or SUBSCRIBE the policies deny. MQTT 3.1.1: the
// connection is closed without an ack (AWS maintainers, broker.md §1.12).
// MQTT 5: PUBACK 0x87 for a QoS 1 PUBLISH (QoS 0: dropped) and the
// connection kept, unless Compat.DisconnectOnDeniedV5; a SUBSCRIBE is
// answered by mochi with SUBACK 0x87 (hook.OnSubscribe). It returns the
// packet mochi should act on, or an error that ends the connection.
func (a *authCore) deny(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if cl.Properties.ProtocolVersion != 5 || a.s.cfg.Auth.Compat.DisconnectOnDeniedV5 {
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
