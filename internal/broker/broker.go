package broker

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
)

// newBroker builds the mochi server with AWS's capabilities and the
// emulator's hook.
func newBroker(s *Broker) (*mqtt.Server, error) {
	caps := mqtt.NewDefaultServerCapabilities()
	lim := s.cfg.Limits
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt-differences — QoS 2 is not supported.
	caps.MaximumQos = 1
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt5
	// (CONNACK properties): Subscription Identifier Available 0, Topic Alias
	// Maximum 8; Receive Maximum from the 100 unacknowledged QoS 1 quota
	// (unconfirmed as a CONNACK value).
	caps.SubIDAvailable = 0
	caps.TopicAliasMaximum = lim.TopicAliasMaximum
	caps.ReceiveMaximum = lim.ReceiveMaximum
	// AWS: persistent sessions expire after the account's setting (1 h by
	// default); a larger MQTT 5 Session Expiry Interval is lowered in CONNACK.
	caps.MaximumSessionExpiryInterval = uint32(lim.SessionExpiry / time.Second)
	// No expiry unless the publisher set one: mochi gives every message
	// without a Message Expiry Interval this maximum instead, and delivers it
	// to MQTT 5 clients as the property. The 7-day cap is applied by the hook
	// (clampExpiry).
	caps.MaximumMessageExpiryInterval = 0
	// PUBACKs carry no properties of the PUBLISH they acknowledge (mochi
	// copies them by default; paho-mqtt for Python refuses such a PUBACK).
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt5
	caps.Compatibilities.NoInheritedPropertiesOnAck = true
	// Packets far over the payload limit are refused while being read; those
	// just over it reach the hook, which answers as AWS does.
	caps.MaximumPacketSize = uint32(lim.PayloadBytes + lim.TopicBytes + 64*1024)
	// mochi's per-client packet channel is drained at once into the
	// client's sendQueue, which bounds the bytes (outbound.go); its capacity
	// (8,192 by default, 64 KB of pointers per client, allocated before
	// CONNECT is read) need only absorb a burst.
	caps.MaximumClientWritesPending = 1024
	broker := mqtt.New(&mqtt.Options{
		Capabilities: caps,
		InlineClient: true, // the HTTP data plane and the services publish through it
		// Floored at Warn and bounded (logtrim.go): mochi logs failing packets whole.
		Logger: slog.New(trimHandler{floorHandler{s.log.With("component", "mqtt").Handler(), slog.LevelWarn}}),
		// mochi publishes $SYS statistics on a ticker; AWS has no $SYS, so the
		// interval is pushed past any test's lifetime.
		SysTopicResendInterval: 1 << 30,
	})
	if err := broker.AddHook(&hook{server: s}, nil); err != nil {
		return nil, fmt.Errorf("add hook: %w", err)
	}
	if s.cfg.Store != nil { // after hook: it sees only what AWS's checks let through
		s.store = newStoreHook(s, s.cfg.Store)
		if err := broker.AddHook(s.store, nil); err != nil {
			return nil, fmt.Errorf("add store hook: %w", err)
		}
	}
	return broker, nil
}

// floorHandler drops records below a minimum level: mochi logs its own
// lifecycle at Info, which is noise next to the emulator's.
type floorHandler struct {
	slog.Handler
	min slog.Level
}

func (h floorHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h floorHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return floorHandler{h.Handler.WithAttrs(a), h.min}
}

func (h floorHandler) WithGroup(n string) slog.Handler {
	return floorHandler{h.Handler.WithGroup(n), h.min}
}
