package broker

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/internal/mqttapi"
)

// The broker's half of fault injection (package faults): dropped and
// delayed deliveries, throttled clients, and disconnects with a chosen
// reason. With no Config.Faults every check is one nil test.

// reasonThrottled is the disconnectReason of a client that exceeded a
// throttling limit.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect
const reasonThrottled = "THROTTLED"

// dropsDelivery reports whether a fault drops this delivery.
func (s *Broker) dropsDelivery(cl *mqtt.Client, name string) bool {
	if s.cfg.Faults == nil || !s.cfg.Faults.Drops(cl.ID, name) {
		return false
	}
	s.logEvent(slog.LevelInfo, "fault: delivery of "+name+" to "+cl.ID+" dropped", slog.String("client", cl.ID), slog.String("topic", name))
	return true
}

// delayDelivery holds a PUBLISH on the client's own writer goroutine for
// as long as a fault says, so that only that client's deliveries wait, in
// order; Close ends the wait.
func (s *Broker) delayDelivery(cl *mqtt.Client, name string) {
	if s.cfg.Faults == nil {
		return
	}
	d := s.cfg.Faults.Delays(cl.ID, name)
	if d <= 0 {
		return
	}
	s.logEvent(slog.LevelInfo, "fault: delivery of "+name+" to "+cl.ID+" delayed "+d.String(),
		slog.String("client", cl.ID), slog.String("topic", name), slog.Duration("delay", d))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.ctx.Done():
	}
}

// throttled answers a PUBLISH of a throttled client as AWS answers one
// over its limits: an MQTT 5 client gets PUBACK 0x97 Quota exceeded (QoS
// 1) and its message is dropped; an MQTT 3.1.1 client, which has no such
// code, is disconnected with THROTTLED (UNCONFIRMED, docs/compatibility.md
// "Fault injection").
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt5-reason-codes
func (s *Broker) throttled(cl *mqtt.Client, pk packets.Packet) (packets.Packet, bool, error) {
	if s.cfg.Faults == nil || !s.cfg.Faults.Throttled(cl.ID) {
		return pk, false, nil
	}
	s.logEvent(slog.LevelWarn, "fault: PUBLISH "+pk.TopicName+" from "+cl.ID+" throttled",
		slog.String("client", cl.ID), slog.String("topic", pk.TopicName))
	if cl.Properties.ProtocolVersion != 5 {
		s.endConnection(cl, reasonThrottled, packets.ErrQuotaExceeded)
		return pk, true, packets.ErrRejectPacket
	}
	if pk.FixedHeader.Qos == 1 {
		_ = cl.WritePacket(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Puback},
			PacketID: pk.PacketID, ReasonCode: packets.ErrQuotaExceeded.Code}) // a failed write ends the client anyway
	}
	return neutral(pk), true, nil
}

// disconnectCodes are the MQTT 5 DISCONNECT codes sent with each
// disconnectReason a fault may choose (the pairing is iotemu's:
// UNCONFIRMED, docs/compatibility.md "Fault injection"); CONNECTION_LOST
// closes the socket without a DISCONNECT.
var disconnectCodes = map[string]packets.Code{
	reasonServerInitiated:       packets.ErrServerShuttingDown,
	reasonAPI:                   packets.ErrAdministrativeAction,
	reasonThrottled:             packets.ErrQuotaExceeded,
	reasonAuthError:             packets.ErrNotAuthorized,
	reasonKeepAlive:             packets.ErrKeepAliveTimeout,
	reasonClientError:           packets.ErrProtocolViolation,
	reasonDuplicateID:           packets.ErrSessionTakenOver,
	"FORBIDDEN_ACCESS":          packets.ErrNotAuthorized,
	"SERVER_ERROR":              packets.ErrUnspecifiedError,
	"WEBSOCKET_TTL_EXPIRATION":  packets.ErrAdministrativeAction,
	"CUSTOMAUTH_TTL_EXPIRATION": packets.ErrNotAuthorized,
	reasonConnectionLost:        {},
}

// ErrUnknownReason is returned by Disconnect for a reason AWS does not
// report.
var ErrUnknownReason = errors.New("not a disconnectReason AWS reports")

// Disconnect ends a client's connection as if for reason, one of AWS's
// disconnectReason values ("" means SERVER_INITIATED_DISCONNECT): its
// disconnected event carries it, an MQTT 5 client gets the matching
// DISCONNECT code first (none for CONNECTION_LOST), and the Last Will is
// sent as for any server-side disconnect. It returns once the
// connection has ended.
func (s *Broker) Disconnect(id, reason string) error {
	if reason == "" {
		reason = reasonServerInitiated
	}
	code, ok := disconnectCodes[reason]
	if !ok {
		return fmt.Errorf("disconnect %s: %w: %q", id, ErrUnknownReason, reason)
	}
	c, live := s.conns.connected(id)
	if !live {
		return fmt.Errorf("disconnect %s: %w", id, mqttapi.ErrNotConnected)
	}
	if reason == reasonConnectionLost {
		c.setReason(reason)
		c.cl.Stop(errors.New("connection lost (iotemu fault)"))
	} else {
		s.endConnection(c.cl, reason, code)
	}
	wait := time.NewTimer(takeoverWait)
	defer wait.Stop()
	select {
	case <-c.ended:
		return nil
	case <-wait.C:
		return fmt.Errorf("disconnect %s: the connection did not end", id)
	}
}
