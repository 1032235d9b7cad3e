package emulator

import (
	"context"
	"fmt"
	"log/slog"

	mqtt "github.com/mochi-mqtt/server/v2"
)

// newBroker builds the mochi server with AWS's capabilities and the
// emulator's hook.
func newBroker(s *Server) (*mqtt.Server, error) {
	caps := mqtt.NewDefaultServerCapabilities()
	// AWS: mqtt.html "MQTT differences from specification" — QoS 2 is not supported.
	caps.MaximumQos = 1
	broker := mqtt.New(&mqtt.Options{
		Capabilities: caps,
		InlineClient: true, // the HTTP data plane and the services publish through it
		Logger:       slog.New(floorHandler{s.log.With("component", "mqtt").Handler(), slog.LevelWarn}),
		// mochi publishes $SYS statistics on a ticker; AWS has no $SYS, so the
		// interval is pushed past any test's lifetime.
		SysTopicResendInterval: 1 << 30,
	})
	if err := broker.AddHook(&hook{server: s}, nil); err != nil {
		return nil, fmt.Errorf("add hook: %w", err)
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
