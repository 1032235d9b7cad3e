package broker

import (
	"strings"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/internal/topic"
)

// verdict is what the emulator does with an inbound packet mochi would
// accept: pass it on, drop it without an answer, or end the connection.
type verdict int

const (
	pass   verdict = iota
	drop           // no ack, connection kept (QoS 2 on MQTT 3.1.1)
	refuse         // connection ends: MQTT 3.1.1 without an ack, MQTT 5 with DISCONNECT code
	deny           // strict mode: the policies deny it (authCore.deny)
)

// outcome is a verdict with the MQTT 5 DISCONNECT reason code of refuse;
// reserved marks a forbidden operation on a $ topic
// (Compat.ReservedTopicAckV5 answers it with an ack instead).
type outcome struct {
	verdict  verdict
	code     packets.Code
	reserved bool
}

var passed = outcome{verdict: pass}

// checkPublish applies AWS's rules to a client's PUBLISH, in the order a
// client is most likely to hit them.
func (s *Broker) checkPublish(cl *mqtt.Client, pk packets.Packet) outcome {
	v5 := cl.Properties.ProtocolVersion == 5
	// AWS: "When QoS level 2 is requested, the message broker doesn't send a
	// PUBACK"; MQTT 5: DISCONNECT 0x9B "QoS not supported".
	// https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt-differences
	if pk.FixedHeader.Qos == 2 {
		if v5 {
			return outcome{verdict: refuse, code: packets.ErrQosNotSupported}
		}
		return outcome{verdict: drop}
	}
	// AWS: 128 KB, https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits;
	// disconnectReason CLIENT_ERROR "payload that exceeds the payload limit",
	// https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect. The MQTT 5 code is unconfirmed; 0x95 Packet
	// too large is the specification's.
	if len(pk.Payload) > s.cfg.Limits.PayloadBytes {
		return outcome{verdict: refuse, code: packets.ErrPacketTooLarge}
	}
	name := pk.TopicName
	if v5 && pk.Properties.TopicAliasFlag {
		var ok bool
		if name, ok = s.aliasedTopic(cl, pk); !ok {
			return outcome{verdict: refuse, code: packets.ErrTopicAliasInvalid}
		}
	}
	if name == "" {
		return passed // mochi refuses a PUBLISH without topic or alias itself
	}
	// Topic too long or too deep: unconfirmed on AWS (its SDKs check
	// client-side, docs/compatibility.md); the emulator ends the connection.
	if err := topic.ValidateName(name, s.topicLimits()); err != nil {
		return outcome{verdict: refuse, code: packets.ErrTopicNameInvalid}
	}
	// AWS: reserved-topics.html "Unsupported publish or subscribe operations to
	// reserved topics can result in a terminated connection"; mqtt.html "You
	// can't publish to a reserved topic with the RETAIN flag set."
	if strings.HasPrefix(name, "$") && (pk.FixedHeader.Retain || !s.reserved.mayPublish(name)) {
		return outcome{refuse, packets.ErrTopicNameInvalid, true}
	}
	if s.auth != nil && s.auth.publishDenied(cl, name, pk.FixedHeader.Retain) {
		return outcome{verdict: deny}
	}
	return passed
}

// aliasedTopic resolves a PUBLISH's Topic Alias: an alias of 0, above the
// CONNACK Topic Alias Maximum, or never defined on this connection (aliases
// do not survive a reconnect) is a Topic Alias invalid error, which mochi
// would answer by dropping the message silently.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt5-reason-codes (DISCONNECT 0x94);
// MQTT 5 [MQTT-3.3.2-7], [MQTT-3.3.2-8], [MQTT-3.3.2-9].
func (s *Broker) aliasedTopic(cl *mqtt.Client, pk packets.Packet) (string, bool) {
	alias := pk.Properties.TopicAlias
	if alias == 0 || alias > s.cfg.Limits.TopicAliasMaximum {
		return "", false
	}
	if pk.TopicName != "" {
		return pk.TopicName, true // defines (or redefines) the alias; mochi records it
	}
	name := cl.State.TopicAliases.Inbound.Set(alias, "")
	return name, name != ""
}

// checkSubscribe applies AWS's rules to a SUBSCRIBE. Under
// Compat.ReservedTopicAckV5 forbidden $ filters pass here and are refused
// with SUBACK 0x87 by OnACLCheck.
func (s *Broker) checkSubscribe(cl *mqtt.Client, pk packets.Packet) outcome {
	v5 := cl.Properties.ProtocolVersion == 5
	lim := s.cfg.Limits
	// AWS: mqtt.html, CONNACK Subscription Identifier Available 0; use → DISCONNECT 0xA1.
	if v5 && len(pk.Properties.SubscriptionIdentifier) > 0 {
		return outcome{verdict: refuse, code: packets.ErrSubscriptionIdentifiersNotSupported}
	}
	// AWS: 8 filters per SUBSCRIBE and 50 subscriptions per connection ("the
	// connection will be closed"), https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits;
	// the MQTT 5 code is unconfirmed, 0x97 Quota exceeded (docs/compatibility.md).
	if len(pk.Filters) > lim.FiltersPerSubscribe {
		return outcome{verdict: refuse, code: packets.ErrQuotaExceeded}
	}
	added := 0
	for _, f := range pk.Filters {
		if _, ok := cl.State.Subscriptions.Get(f.Filter); !ok {
			added++
		}
	}
	if cl.State.Subscriptions.Len()+added > lim.SubscriptionsPerConnection {
		return outcome{verdict: refuse, code: packets.ErrQuotaExceeded}
	}
	qos2 := false
	for _, f := range pk.Filters {
		if err := topic.ValidateFilter(f.Filter, s.topicLimits()); err != nil {
			return outcome{verdict: refuse, code: packets.ErrTopicFilterInvalid}
		}
		if !s.maySubscribe(f.Filter) {
			if !v5 || !s.cfg.Compat.ReservedTopicAckV5 {
				return outcome{refuse, packets.ErrTopicFilterInvalid, true}
			}
		}
		qos2 = qos2 || f.Qos == 2
	}
	// Strict mode, MQTT 3.1.1 (or Auth.Compat.DisconnectOnDeniedV5): a
	// denied filter ends the connection; MQTT 5 gets SUBACK 0x87 for it
	// (hook.OnSubscribe).
	if s.auth != nil && (!v5 || s.cfg.Compat.DisconnectOnDeniedV5) {
		for _, f := range pk.Filters {
			if s.auth.subscribeDenied(cl, f.Filter) {
				return outcome{verdict: deny}
			}
		}
	}
	// AWS: "When QoS level 2 is requested, the message broker doesn't send a
	// PUBACK or SUBACK." https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt-differences
	// (v5: Compat.GrantQoS1OnV5QoS2Subscribe).
	if qos2 && (!v5 || !s.cfg.Compat.GrantQoS1OnV5QoS2Subscribe) {
		return outcome{verdict: drop}
	}
	return passed
}

// maySubscribe reports whether a client may subscribe to a filter: only
// the $ filters of the reserved table's subscribable families.
func (s *Broker) maySubscribe(filter string) bool {
	inner := topic.Unshare(filter)
	return !strings.HasPrefix(inner, "$") || s.reserved.maySubscribe(inner)
}

// neutral is what a dropped packet becomes: a PUBACK for packet ID 0,
// which mochi ignores (it never uses ID 0 for its own publishes).
func neutral(pk packets.Packet) packets.Packet {
	return packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Puback}, ProtocolVersion: pk.ProtocolVersion}
}
