package testkit

import (
	"sync"

	"testing"
	"time"

	paho5 "github.com/eclipse/paho.golang/paho"
)

// Message is a message an Inbox received.
type Message struct {
	Topic    string
	Payload  []byte
	QoS      byte
	Retained bool

	// Publish5 is the PUBLISH as an MQTT 5 client received it, with its
	// properties; nil for MQTT 3.1.1 and in-process subscribers.
	Publish5 *paho5.Publish
}

// Inbox collects messages in arrival order, without bound, so that a
// subscriber never blocks the publisher.
type Inbox struct {
	mu      sync.Mutex
	msgs    []Message
	arrived chan struct{} // closed and replaced on every add
}

func newInbox() *Inbox { return &Inbox{arrived: make(chan struct{})} }

func (in *Inbox) add(m Message) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.msgs = append(in.msgs, m)
	close(in.arrived)
	in.arrived = make(chan struct{})
}

// Next removes and returns the oldest message, waiting up to timeout for
// one; it fails tb if none arrives in time.
func (in *Inbox) Next(tb testing.TB, timeout time.Duration) Message {
	tb.Helper()
	m, ok := in.Wait(timeout)
	if !ok {
		tb.Fatalf("testkit: no message within %v", timeout)
	}
	return m
}

// Wait is Next without failing: ok is false when nothing arrived in time.
func (in *Inbox) Wait(timeout time.Duration) (m Message, ok bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		in.mu.Lock()
		if len(in.msgs) > 0 {
			m = in.msgs[0]
			in.msgs = in.msgs[1:]
			in.mu.Unlock()
			return m, true
		}
		arrived := in.arrived
		in.mu.Unlock()
		select {
		case <-arrived:
		case <-deadline.C:
			return Message{}, false
		}
	}
}

// Len returns how many messages are waiting.
func (in *Inbox) Len() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.msgs)
}
