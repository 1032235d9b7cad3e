package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// outMsg is one message to publish once the lock is released. clientID is
// set for replies (PublishTo) and empty for broker publishes. render builds
// the payload then, so that presigned URLs are made outside the lock.
type outMsg struct {
	clientID string
	topic    string
	render   func(ctx context.Context) ([]byte, error)
}

// batch collects the messages of one mutation and the pending lists of the
// things it touched, to publish jobs/notify and jobs/notify-next when they
// change.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-comm-notifications.html#jobs-comm-notifications-types
type batch struct {
	s      *Service
	now    time.Time
	before map[string]pendingView
	order  []string
	msgs   []outMsg
}

// begin starts a batch; the caller holds the lock.
func (s *Service) begin() *batch {
	return &batch{s: s, now: s.cfg.Now(), before: make(map[string]pendingView)}
}

// touch records the pending list of thing before it changes.
func (b *batch) touch(thing string) {
	if _, ok := b.before[thing]; ok {
		return
	}
	b.before[thing] = b.s.view(thing)
	b.order = append(b.order, thing)
}

// add queues a message whose payload is v encoded as JSON.
func (b *batch) add(clientID, topic string, v any) {
	b.msgs = append(b.msgs, outMsg{clientID: clientID, topic: topic, render: jsonRender(v)})
}

// jsonRender returns a render function encoding v.
func jsonRender(v any) func(context.Context) ([]byte, error) {
	return func(context.Context) ([]byte, error) { return encodeJSON(v) }
}

// encodeJSON encodes v without HTML escaping and without a final newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// finish returns the notifications of every touched thing whose pending
// list changed, then the other messages (events). The caller holds the
// lock.
func (b *batch) finish() []outMsg {
	var out []outMsg
	for _, thing := range b.order {
		out = append(out, b.s.notifications(thing, b.before[thing], b.now)...)
	}
	return append(out, b.msgs...)
}

// flush commits the change (Config.Commit), then publishes msgs; the
// caller must not hold the lock. Publishing failures are logged, not
// returned: the state change already happened.
func (s *Service) flush(ctx context.Context, msgs []outMsg) {
	if s.cfg.Commit != nil {
		if err := s.cfg.Commit(ctx); err != nil {
			s.log.ErrorContext(ctx, "jobs change not committed; its messages are not published", "err", err)
			return
		}
	}
	for _, m := range msgs {
		if err := s.send(ctx, m); err != nil {
			s.log.WarnContext(ctx, "jobs publish failed", "topic", m.topic, "err", err)
		}
	}
}

// send renders and publishes one message.
func (s *Service) send(ctx context.Context, m outMsg) error {
	if s.cfg.Publisher == nil {
		return nil
	}
	payload, err := m.render(ctx)
	if err != nil {
		return fmt.Errorf("render %s: %w", m.topic, err)
	}
	if m.clientID != "" {
		err = s.cfg.Publisher.PublishTo(ctx, m.clientID, m.topic, payload)
	} else {
		err = s.cfg.Publisher.Publish(ctx, m.topic, payload)
	}
	if err != nil {
		return fmt.Errorf("publish %s: %w", m.topic, err)
	}
	return nil
}
