package emulator_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/iotemu/iotemu/testkit"
)

// captured is a slog handler keeping every record at warn and above.
type captured struct {
	mu   sync.Mutex
	recs []string // "message topic=..."
}

func (h *captured) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (h *captured) WithAttrs([]slog.Attr) slog.Handler           { return h }
func (h *captured) WithGroup(string) slog.Handler                { return h }

func (h *captured) Handle(_ context.Context, r slog.Record) error {
	line := r.Message
	r.Attrs(func(a slog.Attr) bool {
		line += fmt.Sprintf(" %s=%v", a.Key, a.Value)
		return true
	})
	h.mu.Lock()
	h.recs = append(h.recs, line)
	h.mu.Unlock()
	return nil
}

// matching returns the records containing every part.
func (h *captured) matching(parts ...string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
next:
	for _, r := range h.recs {
		for _, p := range parts {
			if !strings.Contains(r, p) {
				continue next
			}
		}
		out = append(out, r)
	}
	return out
}

// TestUnservedReservedTopicsWarn: a publish to a file delivery or
// Defender request topic, over MQTT or HTTP, and a subscription to the
// tunnels topic, are logged at warn naming the feature; a shadow request
// (served) is not.
func TestUnservedReservedTopicsWarn(t *testing.T) {
	logs := &captured{}
	emu := testkit.Start(t, testkit.WithLogger(slog.New(logs)))
	c := emu.Connect(t, "dev-jobs")
	c.Subscribe(t, "$aws/things/dev-jobs/tunnels/notify", 1)
	c.Publish(t, "$aws/things/dev-jobs/shadow/get", 1, false, nil)
	c.Publish(t, "$aws/things/dev-jobs/jobs/get", 1, false, []byte("{}"))
	c.Publish(t, "$aws/certificates/create/json", 1, false, []byte("{}"))
	c.Publish(t, "$aws/things/dev-jobs/streams/s1/get/json", 1, false, []byte("{}"))
	resp, err := http.Post(emu.Endpoint()+"/topics/$aws/things/dev-jobs/defender/metrics/json", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, want := range [][]string{
		{"iotemu does not serve AWS IoT secure tunneling topics yet", "op=subscribe", "client=dev-jobs"},
		{"iotemu does not serve AWS IoT MQTT-based file delivery topics yet", "topic=$aws/things/dev-jobs/streams/s1/get/json"},
		{"iotemu does not serve AWS IoT Device Defender topics yet", "client=(http)"},
	} {
		// Each warning is logged after the publish is acknowledged (the
		// hook's OnPublished), so each is waited for on its own.
		testkit.Eventually(t, wait, func() error {
			if len(logs.matching(want...)) == 0 {
				return errShort
			}
			return nil
		})
		if got := logs.matching(want...); len(got) != 1 {
			t.Errorf("records matching %q: %q, want one", want, got)
		}
	}
	if got := logs.matching("fleet provisioning topics"); len(got) != 0 {
		t.Errorf("served fleet provisioning request logged as unserved: %q", got)
	}
	if got := logs.matching("Jobs"); len(got) != 0 {
		t.Errorf("served Jobs request logged as unserved: %q", got)
	}
	if got := logs.matching("shadow"); len(got) != 0 {
		t.Errorf("served shadow request logged: %q", got)
	}
}
