package broker

import (
	"bytes"
	"strings"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/internal/mqttapi"
	"github.com/iotemu/iotemu/internal/topic"
)

// hook is the emulator's only mochi hook: every AWS rule that mochi does not
// apply by itself is applied here, or in the file of that rule (inbound.go
// for packet checks, session.go for connections, lifecycle.go for events).
type hook struct {
	mqtt.HookBase
	server *Broker
}

func (h *hook) ID() string { return "iotemu" }

func (h *hook) Provides(b byte) bool {
	return bytes.Contains([]byte{
		mqtt.OnConnectAuthenticate,
		mqtt.OnACLCheck,
		mqtt.OnPublish,
		mqtt.OnPublished,
		mqtt.OnPacketRead,
		mqtt.OnPacketEncode,
		mqtt.OnConnect,
		mqtt.OnSessionEstablish,
		mqtt.OnSessionEstablished,
		mqtt.OnDisconnect,
		mqtt.OnSubscribe,
		mqtt.OnSubscribed,
		mqtt.OnUnsubscribed,
		mqtt.OnQosComplete,
		mqtt.OnClientExpired,
		mqtt.OnPublishDropped,
	}, []byte{b})
}

// OnConnectAuthenticate admits every client: in the default permissive mode
// anyone may connect, as with an AWS policy allowing iot:Connect on *; strict
// mode authenticates in OnConnect (authCore.authorizeConnect), where a
// refusal can close an MQTT 3.1.1 connection without a CONNACK.
func (h *hook) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }

// OnConnect applies AWS's CONNECT rules (session.go).
func (h *hook) OnConnect(cl *mqtt.Client, pk packets.Packet) error {
	return h.server.onConnect(cl, pk)
}

// OnSessionEstablish registers the connection before mochi takes over an
// older one with the same client ID.
func (h *hook) OnSessionEstablish(cl *mqtt.Client, pk packets.Packet) {
	h.server.onSessionEstablish(cl, pk)
}

// OnSessionEstablished publishes the connected event after CONNACK and
// before any packet of the connection is read, so it precedes the
// connection's subscribed events.
func (h *hook) OnSessionEstablished(cl *mqtt.Client, pk packets.Packet) {
	h.server.onSessionEstablished(cl, pk)
}

// OnDisconnect publishes the disconnected event; mochi calls it after the
// Last Will was published.
func (h *hook) OnDisconnect(cl *mqtt.Client, err error, expire bool) {
	h.server.onDisconnect(cl, err, expire)
}

// OnClientExpired forgets an expired persistent session.
func (h *hook) OnClientExpired(cl *mqtt.Client) { h.server.conns.forgetSession(cl.ID) }

// OnPacketRead applies AWS's rules to every packet a client sends, before
// mochi acts on it: a refused packet ends the connection without an ack
// (MQTT 3.1.1) or with a DISCONNECT reason code (MQTT 5).
func (h *hook) OnPacketRead(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	s := h.server
	var o outcome
	switch pk.FixedHeader.Type {
	case packets.Connect:
		return pk, s.readConnect(cl, pk)
	case packets.Publish:
		if pk, ok, err := s.throttled(cl, pk); ok {
			return pk, err
		}
		o = s.checkPublish(cl, pk)
		s.logPublish(cl, pk, o)
		if o.reserved && cl.Properties.ProtocolVersion == 5 && s.cfg.Compat.ReservedTopicAckV5 {
			if pk.FixedHeader.Qos == 1 {
				_ = cl.WritePacket(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Puback},
					PacketID: pk.PacketID, ReasonCode: packets.ErrNotAuthorized.Code}) // a failed write ends the client anyway
			}
			return neutral(pk), nil
		}
	case packets.Subscribe:
		o = s.checkSubscribe(cl, pk)
		if o.verdict == refuse || o.verdict == deny && s.auth.z.DisconnectOnDenied(cl.Properties.ProtocolVersion) {
			for _, f := range pk.Filters {
				s.logSubscribe(cl, f.Filter, "refused, connection closed")
			}
		}
	default:
		return pk, nil
	}
	switch o.verdict {
	case drop:
		return neutral(pk), nil
	case refuse:
		s.endConnection(cl, reasonClientError, o.code)
		return pk, packets.ErrRejectPacket
	case deny:
		return s.auth.deny(cl, pk)
	}
	return pk, nil
}

// OnACLCheck: publishes to $ topics follow the reserved-topic table (the
// packet checks have already refused the others); a subscription is
// allowed unless OnPacketRead marked it forbidden; a delivery is refused
// when only AWS's # rule (mayReceive) says so, and an allowed one may wait
// for the subscriber's queue (backpressure.go). The inline client is never
// checked.
func (h *hook) OnACLCheck(cl *mqtt.Client, name string, write bool) bool {
	if cl.Net.Inline {
		return true
	}
	if write {
		return !strings.HasPrefix(name, "$") || h.server.reserved.mayPublish(name)
	}
	c := h.server.conns.get(cl)
	if c == nil {
		return true
	}
	if allowed, pending := c.subscribeVerdict(name); pending {
		return allowed
	}
	if !c.mayReceive(name) || (h.server.auth != nil && h.server.auth.receiveDenied(cl, name)) || h.server.dropsDelivery(cl, name) {
		return false
	}
	h.server.backpressure(c) // mochi queues the delivery next
	return true
}

// OnPublishDropped counts a delivery mochi dropped (backpressure.go).
func (h *hook) OnPublishDropped(cl *mqtt.Client, pk packets.Packet) {
	h.server.onPublishDropped(cl, pk)
}

// OnSubscribe records the filters being subscribed and keeps retained
// messages away from wildcard filters: mochi skips retained delivery for a
// subscription whose Retain Handling is 2.
// AWS: mqtt.html "Subscription to topic filters that contain a wildcard
// character can't receive retained messages":
// https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt-retain
func (h *hook) OnSubscribe(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	if cl.Net.Inline {
		return pk
	}
	c := h.server.conns.get(cl)
	if c == nil {
		return pk
	}
	filters := make(map[string]bool, len(pk.Filters))
	for i, f := range pk.Filters {
		filters[f.Filter] = h.server.maySubscribe(f.Filter) &&
			(h.server.auth == nil || !h.server.auth.subscribeDenied(cl, f.Filter))
		if topic.HasWildcard(topic.Unshare(f.Filter)) {
			pk.Filters[i].RetainHandling = 2
		}
	}
	c.beginSubscribe(filters)
	return pk
}

// OnSubscribed publishes the subscribed event (before the SUBACK is sent)
// with the filters granted.
func (h *hook) OnSubscribed(cl *mqtt.Client, pk packets.Packet, codes []byte) {
	c := h.server.conns.get(cl)
	if cl.Net.Inline || c == nil {
		return
	}
	c.endSubscribe()
	var granted []string
	for i, f := range pk.Filters {
		code := packets.ErrUnspecifiedError.Code
		if i < len(codes) {
			code = codes[i]
		}
		h.server.logSubscribe(cl, f.Filter, subackResult(code))
		if code < packets.ErrUnspecifiedError.Code {
			granted = append(granted, f.Filter)
		}
	}
	for _, f := range granted {
		h.server.warnUnserved(cl, topic.Unshare(f), "subscribe")
	}
	h.server.publishSubscriptions(c, "subscribed", granted)
}

// OnUnsubscribed publishes the unsubscribed event of an UNSUBSCRIBE packet
// (mochi also calls it, with packet ID 0, when a session ends).
func (h *hook) OnUnsubscribed(cl *mqtt.Client, pk packets.Packet) {
	c := h.server.conns.get(cl)
	if cl.Net.Inline || c == nil {
		return
	}
	c.refreshFilters()
	if pk.PacketID == 0 {
		return
	}
	filters := make([]string, 0, len(pk.Filters))
	for _, f := range pk.Filters {
		filters = append(filters, f.Filter)
	}
	h.server.publishSubscriptions(c, "unsubscribed", filters)
}

// OnPacketEncode adds AWS's CONNACK properties and clears DUP, which AWS
// never sets.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt5
// (CONNACK properties) and #mqtt-differences ("The MQTT DUP flag is not supported").
func (h *hook) OnPacketEncode(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	switch pk.FixedHeader.Type {
	case packets.Publish:
		pk.FixedHeader.Dup = false
		if !cl.Net.Inline {
			h.server.delayDelivery(cl, pk.TopicName) // a fault's delay, on the client's writer
		}
		if e := h.server.expiry; e != nil {
			e.remaining(&pk)
		}
	case packets.Puback:
		// mochi answers a QoS 1 PUBLISH with 0x01, its SUBACK "granted QoS 1",
		// which is no PUBACK code; AWS answers 0x00 Success.
		// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt5-reason-codes
		if pk.ReasonCode < packets.ErrUnspecifiedError.Code {
			pk.ReasonCode = packets.CodeSuccess.Code
		}
	case packets.Connack:
		if pk.ProtocolVersion == 5 && pk.ReasonCode < packets.ErrUnspecifiedError.Code {
			p := &pk.Properties
			p.RetainAvailable, p.RetainAvailableFlag = 1, true
			p.WildcardSubAvailable, p.WildcardSubAvailableFlag = 1, true
			p.SubIDAvailable, p.SubIDAvailableFlag = 0, true
			p.TopicAliasMaximum = h.server.cfg.Limits.TopicAliasMaximum
		}
	}
	return pk
}

// OnQosComplete completes a SendDirectMessage waiting for its PUBACK.
func (h *hook) OnQosComplete(cl *mqtt.Client, pk packets.Packet) {
	h.server.direct.acked(cl, pk.PacketID)
}

// OnPublish keeps Basic Ingest messages away from subscribers; mochi still
// acknowledges them.
// AWS: iot-basic-ingest.html ("bypasses the message broker").
func (h *hook) OnPublish(_ *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	clampExpiry(&pk)
	if e := h.server.expiry; e != nil {
		e.stamp(&pk)
	}
	if !strings.HasPrefix(pk.TopicName, "$") {
		return pk, nil // the reserved table holds only $ topics; skip it on the common path
	}
	if r, ok := h.server.reserved.lookup(pk.TopicName); ok && r.ingest {
		return pk, packets.CodeSuccessIgnore
	}
	return pk, nil
}

// OnPublished hands a message on a service's reserved topic to the service,
// after it was delivered to subscribers.
func (h *hook) OnPublished(cl *mqtt.Client, pk packets.Packet) {
	h.server.offerToRules(cl, pk)
	if !strings.HasPrefix(pk.TopicName, "$") {
		return
	}
	if r, ok := h.server.reserved.lookup(pk.TopicName); ok && r.handle != nil {
		ctx := h.server.ctx
		if !cl.Net.Inline {
			ctx = mqttapi.WithPublisher(ctx, cl.ID)
		}
		r.handle(ctx, messageOf(pk))
		return
	}
	h.server.warnUnserved(cl, pk.TopicName, "publish")
}

// warnUnserved logs a publish or subscription on a reserved topic of a
// feature iotemu does not serve yet: AWS would answer, iotemu will not.
func (s *Broker) warnUnserved(cl *mqtt.Client, name, op string) {
	if f := s.reserved.unservedFeature(name); f != "" {
		client := "(http)"
		if cl != nil && !cl.Net.Inline {
			client = cl.ID
		}
		s.log.Warn("iotemu does not serve "+f+" topics yet; nothing will answer", "op", op, "topic", name, "client", client)
	}
}

// clampExpiry lowers a Message Expiry Interval above AWS's 7 days to 7 days;
// a message without one keeps none (mochi's MaximumMessageExpiryInterval is 0).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt5 (message expiry).
func clampExpiry(pk *packets.Packet) {
	if pk.Properties.MessageExpiryInterval > mqttapi.MaxMessageExpiry {
		pk.Properties.MessageExpiryInterval = mqttapi.MaxMessageExpiry
		pk.Expiry = pk.Created + mqttapi.MaxMessageExpiry
	}
}

// clearWill stops mochi from publishing a client's Last Will.
func clearWill(cl *mqtt.Client) { atomic.StoreUint32(&cl.Properties.Will.Flag, 0) }

// takeoverWait bounds how long a new connection waits for the one it took
// over to finish, so that events keep their order.
const takeoverWait = 5 * time.Second
