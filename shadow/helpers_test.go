package shadow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iotemu/iotemu/shadow"
)

// message is one recorded publish.
type message struct {
	Topic   string
	Payload []byte
}

// recorder is a Publisher that records every message.
type recorder struct {
	mu   sync.Mutex
	msgs []message
}

var _ shadow.Publisher = (*recorder)(nil)

func (r *recorder) Publish(_ context.Context, topic string, payload []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, message{Topic: topic, Payload: append([]byte(nil), payload...)})
	return nil
}

// take returns and forgets the recorded messages.
func (r *recorder) take() []message {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.msgs
	r.msgs = nil
	return m
}

// on returns the payloads of the messages whose topic ends with suffix.
func on(msgs []message, suffix string) [][]byte {
	var out [][]byte
	for _, m := range msgs {
		if strings.HasSuffix(m.Topic, suffix) {
			out = append(out, m.Payload)
		}
	}
	return out
}

// clock is an injectable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(epoch int64) *clock { return &clock{t: time.Unix(epoch, 0)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newService returns a Service with a recorder and a clock at epoch 1700000000.
func newService(tb testing.TB, mod ...func(*shadow.Config)) (*shadow.Service, *recorder, *clock) {
	tb.Helper()
	rec := &recorder{}
	clk := newClock(1_700_000_000)
	cfg := shadow.Config{Publisher: rec, Now: clk.Now}
	for _, m := range mod {
		m(&cfg)
	}
	svc, err := shadow.New(cfg)
	if err != nil {
		tb.Fatalf("New: got error %v, want nil", err)
	}
	return svc, rec, clk
}

func mustUpdate(tb testing.TB, svc *shadow.Service, thing, name, req string) []byte {
	tb.Helper()
	b, err := svc.Update(context.Background(), thing, name, []byte(req))
	if err != nil {
		tb.Fatalf("Update(%s, %q, %s): got error %v, want nil", thing, name, req, err)
	}
	return b
}

func mustDelete(tb testing.TB, svc *shadow.Service, thing, name string) []byte {
	tb.Helper()
	b, err := svc.Delete(context.Background(), thing, name)
	if err != nil {
		tb.Fatalf("Delete(%s, %q): got error %v, want nil", thing, name, err)
	}
	return b
}

func mustGet(tb testing.TB, svc *shadow.Service, thing, name string) map[string]any {
	tb.Helper()
	b, err := svc.Get(context.Background(), thing, name)
	if err != nil {
		tb.Fatalf("Get(%s, %q): got error %v, want nil", thing, name, err)
	}
	return decodeMap(tb, b)
}

func decodeMap(tb testing.TB, b []byte) map[string]any {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		tb.Fatalf("decode %s: %v", b, err)
	}
	return m
}

// versionOf returns the "version" member of a response document.
func versionOf(tb testing.TB, b []byte) int64 {
	tb.Helper()
	v, err := decodeMap(tb, b)["version"].(json.Number).Int64()
	if err != nil {
		tb.Fatalf("version of %s: %v", b, err)
	}
	return v
}
