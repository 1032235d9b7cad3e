package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iotemu/iotemu/jobs"
)

const (
	region  = "us-east-1"
	account = "123456789012"
	epoch0  = 1_700_000_000
)

func thingARN(name string) string { return "arn:aws:iot:" + region + ":" + account + ":thing/" + name }
func groupARN(name string) string {
	return "arn:aws:iot:" + region + ":" + account + ":thinggroup/" + name
}

// message is one recorded publish; Client is set for PublishTo.
type message struct {
	Client  string
	Topic   string
	Payload string
}

// recorder is a Publisher that records every message.
type recorder struct {
	mu   sync.Mutex
	msgs []message
}

func (r *recorder) PublishTo(_ context.Context, clientID, topic string, payload []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, message{Client: clientID, Topic: topic, Payload: string(payload)})
	return nil
}

func (r *recorder) Publish(ctx context.Context, topic string, payload []byte) error {
	return r.PublishTo(ctx, "", topic, payload)
}

// take returns and forgets the recorded messages.
func (r *recorder) take() []message {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.msgs
	r.msgs = nil
	return m
}

// topics returns the topics of msgs.
func topics(msgs []message) []string {
	out := make([]string, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, m.Topic)
	}
	return out
}

// only returns the one message on topic, failing otherwise.
func only(t *testing.T, msgs []message, topic string) message {
	t.Helper()
	var found []message
	for _, m := range msgs {
		if m.Topic == topic {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one message on %s, got %d in %v", topic, len(found), topics(msgs))
	}
	return found[0]
}

// clock is a fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

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

// targets is a fake Targets.
type targets struct {
	mu     sync.Mutex
	things map[string]bool
	groups map[string][]string
}

func newTargets(things ...string) *targets {
	t := &targets{things: map[string]bool{}, groups: map[string][]string{}}
	for _, n := range things {
		t.things[n] = true
	}
	return t
}

func (t *targets) ThingExists(_ context.Context, name string) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.things[name], nil
}

func (t *targets) ThingsInGroup(_ context.Context, arn string) ([]string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	names, ok := t.groups[arn]
	if !ok {
		return nil, fmt.Errorf("group %s: %w", arn, jobs.ErrGroupNotFound)
	}
	return slices.Clone(names), nil
}

// env is a Service under test with its fakes.
type env struct {
	svc     *jobs.Service
	pub     *recorder
	clk     *clock
	targets *targets
	events  map[string]bool
}

// newEnv returns a Service with a recorder, a fake clock at epoch0, fake
// targets holding things thing1..thing3, and events enabled.
func newEnv(tb testing.TB, mod ...func(*jobs.Config)) *env {
	tb.Helper()
	e := &env{pub: &recorder{}, clk: &clock{t: time.Unix(epoch0, 0)}, targets: newTargets("thing1", "thing2", "thing3"),
		events: map[string]bool{jobs.EventJob: true, jobs.EventJobExecution: true}}
	n := 0
	cfg := jobs.Config{
		Region: region, AccountID: account, Publisher: e.pub, Targets: e.targets, Now: e.clk.Now,
		EventsEnabled: func(t string) bool { return e.events[t] },
		NewUUID:       func() string { n++; return fmt.Sprintf("00000000-0000-0000-0000-%012d", n) },
	}
	for _, m := range mod {
		m(&cfg)
	}
	svc, err := jobs.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = svc.Close() })
	e.svc = svc
	return e
}

// createJob creates a job with a small document on the given things.
func (e *env) createJob(tb testing.TB, id string, mod func(*jobs.CreateJobInput), things ...string) {
	tb.Helper()
	in := jobs.CreateJobInput{JobID: id, Document: `{"operation":"` + id + `"}`}
	for _, t := range things {
		in.Targets = append(in.Targets, thingARN(t))
	}
	if mod != nil {
		mod(&in)
	}
	if _, err := e.svc.CreateJob(context.Background(), in); err != nil {
		tb.Fatalf("CreateJob %s: %v", id, err)
	}
}

// mqtt publishes a device request as client "c-{thing}".
func (e *env) mqtt(tb testing.TB, thing, suffix, payload string) []message {
	tb.Helper()
	topic := "$aws/things/" + thing + "/jobs/" + suffix
	if err := e.svc.HandleMQTT(context.Background(), "c-"+thing, topic, []byte(payload)); err != nil {
		tb.Fatalf("HandleMQTT %s: %v", topic, err)
	}
	return e.pub.take()
}

// jsonEqual fails unless got and want are the same JSON value.
func jsonEqual(t *testing.T, what, got, want string) {
	t.Helper()
	if canon(t, got) != canon(t, want) {
		t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}

func canon(t *testing.T, s string) string {
	t.Helper()
	var v any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatalf("invalid JSON %q: %v", s, err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return buf.String()
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
