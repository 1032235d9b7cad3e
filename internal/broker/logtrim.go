package broker

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/mochi-mqtt/server/v2/packets"
)

// Logged values are bounded: mochi logs a failing packet whole (issue 13: a
// 100 KB MQTT 5 PUBLISH became 402 KB of log at Warn), and topics and
// client IDs come from clients.

// maxLogValue bounds one logged string, in bytes.
const maxLogValue = 256

// truncate bounds s for a log line, saying how long it was.
func truncate(s string) string {
	if len(s) <= maxLogValue {
		return s
	}
	return s[:maxLogValue] + "…(" + strconv.Itoa(len(s)) + " bytes)"
}

// trimHandler bounds every attribute of the records it passes on: a
// packet becomes its summary, any other value its truncated text.
type trimHandler struct{ slog.Handler }

func (h trimHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, truncate(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(trimAttr(a))
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h trimHandler) WithAttrs(as []slog.Attr) slog.Handler {
	trimmed := make([]slog.Attr, len(as))
	for i, a := range as {
		trimmed[i] = trimAttr(a)
	}
	return trimHandler{h.Handler.WithAttrs(trimmed)}
}

func (h trimHandler) WithGroup(n string) slog.Handler { return trimHandler{h.Handler.WithGroup(n)} }

func trimAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, truncate(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, x := range g {
			out[i] = trimAttr(x)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case packets.Packet:
			return slog.String(a.Key, packetSummary(x))
		case *packets.Packet:
			return slog.String(a.Key, packetSummary(*x))
		case error:
			return slog.String(a.Key, truncate(x.Error()))
		default:
			return slog.String(a.Key, truncate(fmt.Sprintf("%+v", x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// packetSummary names a packet without its payload.
func packetSummary(pk packets.Packet) string {
	s := fmt.Sprintf("type=%d id=%d qos=%d", pk.FixedHeader.Type, pk.PacketID, pk.FixedHeader.Qos)
	if pk.FixedHeader.Type == packets.Publish {
		s += fmt.Sprintf(" topic=%q payload=%d bytes", truncate(pk.TopicName), len(pk.Payload))
	}
	return s
}
