package testkit

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// tbHandler writes log records to tb.Log. After stop it drops them: a
// record logged once the test has ended would make the testing package
// panic.
type tbHandler struct {
	tb    testing.TB
	level slog.Level

	mu      *sync.Mutex
	stopped *bool
	attrs   []slog.Attr
	groups  []string
}

func newTBHandler(tb testing.TB, level slog.Level) *tbHandler {
	tb.Helper()
	return &tbHandler{tb: tb, level: level, mu: new(sync.Mutex), stopped: new(bool)}
}

func (h *tbHandler) logger() *slog.Logger { return slog.New(h) }

func (h *tbHandler) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	*h.stopped = true
}

func (h *tbHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *tbHandler) Handle(ctx context.Context, r slog.Record) error {
	var buf bytes.Buffer
	th := slog.Handler(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{} // the test log has its own ordering; times are noise
			}
			return a
		},
	}))
	for _, g := range h.groups {
		th = th.WithGroup(g)
	}
	th = th.WithAttrs(h.attrs)
	if err := th.Handle(ctx, r); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !*h.stopped {
		h.tb.Log("iotemu: " + strings.TrimSuffix(buf.String(), "\n"))
	}
	return nil
}

func (h *tbHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

func (h *tbHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.groups = append(append([]string(nil), h.groups...), name)
	return &c
}
