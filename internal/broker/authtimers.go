package broker

import (
	"context"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/clock"
	"github.com/iotemu/iotemu/internal/authz"
)

// reasonCustomAuthTTL ends a connection at the authorizer's
// disconnectAfterInSeconds (disconnectReason CUSTOMAUTH_TTL_EXPIRATION).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect
const reasonCustomAuthTTL = "CUSTOMAUTH_TTL_EXPIRATION"

// reasonWebSocketTTL ends a SigV4 WebSocket connection at AWS's 24-hour
// limit (authz.Identity.WebSocketExpiry).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect
const reasonWebSocketTTL = "WEBSOCKET_TTL_EXPIRATION"

// The deadlines a connection may have.
type deadline int

const (
	deadlineRefresh deadline = iota
	deadlineDisconnect
	deadlineWebSocket
)

// deadlineTimers runs the deadlines of custom-auth MQTT connections
// (authz.Identity.DisconnectAt, RefreshAt): disconnectAfterInSeconds ends
// the connection (MQTT 5: DISCONNECT 0xA0 "maximum connect time",
// UNCONFIRMED), refreshAfterInSeconds invokes the function again and
// replaces the connection's policies (a refusal ends it with AUTH_ERROR).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth-lambda.html#custom-auth-lambda
//
// A SigV4 WebSocket connection also ends at its 24-hour limit
// (WEBSOCKET_TTL_EXPIRATION).
//
// No goroutine waits: each deadline is an AfterFunc of the broker's clock
// (Config.Clock), so that a fake clock's Advance fires it. The timers are
// owned here; a callback finding its connection gone does nothing, timers
// of ended connections are stopped at the next arm, and close stops all
// of them and waits for running callbacks.
//
// ctx is the base context of the authorizer invocations of MQTT
// connections (at CONNECT and at refresh), cancelled by close.
type deadlineTimers struct {
	s      *Broker
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	closed  bool
	entries map[*timerEntry]struct{}
	running sync.WaitGroup // callbacks in progress
}

// timerEntry is one connection's deadlines.
type timerEntry struct {
	cl                  *mqtt.Client
	id                  *authz.Identity // the identity in force (guarded by deadlineTimers.mu)
	refresh, disconnect clock.Timer
	webSocket           clock.Timer
}

func newDeadlineTimers(s *Broker) *deadlineTimers {
	ctx, cancel := context.WithCancel(s.ctx)
	return &deadlineTimers{s: s, ctx: ctx, cancel: cancel, entries: map[*timerEntry]struct{}{}}
}

// arm schedules the deadlines of a connection's identity, if it has any.
func (t *deadlineTimers) arm(cl *mqtt.Client, id *authz.Identity) {
	if id.RefreshAt.IsZero() && id.DisconnectAt.IsZero() && id.WebSocketExpiry.IsZero() {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	t.sweepLocked()
	e := &timerEntry{cl: cl, id: id}
	t.scheduleLocked(e, id)
	t.entries[e] = struct{}{}
}

// scheduleLocked (re)sets the entry's timers from the identity.
func (t *deadlineTimers) scheduleLocked(e *timerEntry, id *authz.Identity) {
	now, clk := t.s.authNow(), t.s.clock
	if !id.DisconnectAt.IsZero() {
		stopTimer(e.disconnect)
		e.disconnect = clk.AfterFunc(id.DisconnectAt.Sub(now), func() { t.fire(e, deadlineDisconnect) })
	}
	if !id.RefreshAt.IsZero() && id.Refresh != nil {
		stopTimer(e.refresh)
		e.refresh = clk.AfterFunc(id.RefreshAt.Sub(now), func() { t.fire(e, deadlineRefresh) })
	}
	if !id.WebSocketExpiry.IsZero() && e.webSocket == nil {
		e.webSocket = clk.AfterFunc(id.WebSocketExpiry.Sub(now), func() { t.fire(e, deadlineWebSocket) })
	}
}

func stopTimer(tm clock.Timer) {
	if tm != nil {
		tm.Stop()
	}
}

// sweepLocked stops the timers of connections that have ended.
func (t *deadlineTimers) sweepLocked() {
	for e := range t.entries {
		if e.cl.Closed() {
			t.dropLocked(e)
		}
	}
}

func (t *deadlineTimers) dropLocked(e *timerEntry) {
	stopTimer(e.refresh)
	stopTimer(e.disconnect)
	stopTimer(e.webSocket)
	delete(t.entries, e)
}

// fire handles a deadline of a connection still using the identity.
func (t *deadlineTimers) fire(e *timerEntry, kind deadline) {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.running.Add(1)
	defer t.running.Done()
	id, cl := e.id, e.cl
	c := connAuthOf(cl)
	live := !cl.Closed() && c != nil && (c.Identity() == id || kind == deadlineWebSocket)
	if !live || kind != deadlineRefresh {
		t.dropLocked(e)
	}
	t.mu.Unlock()
	switch {
	case !live:
	case kind == deadlineDisconnect:
		t.s.endConnection(cl, reasonCustomAuthTTL, packets.ErrMaxConnectTime)
	case kind == deadlineWebSocket:
		t.s.endConnection(cl, reasonWebSocketTTL, packets.ErrMaxConnectTime)
	default:
		t.refresh(e, cl, id)
	}
}

// refresh invokes the function again; its answer replaces the
// connection's identity (policies, principal, deadlines).
func (t *deadlineTimers) refresh(e *timerEntry, cl *mqtt.Client, id *authz.Identity) {
	next, err := id.Refresh(t.ctx)
	bc, _ := cl.Net.Conn.(*brokerConn)
	if err != nil || bc == nil {
		t.mu.Lock()
		t.dropLocked(e)
		t.mu.Unlock()
		t.s.log.Debug("custom authorizer refresh refused", "client", cl.ID, "error", err)
		t.s.endConnection(cl, reasonAuthError, packets.ErrNotAuthorized)
		return
	}
	bc.auth.Store(bc.auth.Load().WithIdentity(next))
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	e.id = next
	if next.DisconnectAt.IsZero() {
		next.DisconnectAt = id.DisconnectAt // the first answer's limit stays
	}
	t.scheduleLocked(e, next)
}

// close stops every timer, waits for running callbacks (a refresh in
// progress completes, as the connection's answer depends on it), then
// cancels the invocations of CONNECTs still in progress.
func (t *deadlineTimers) close() {
	t.mu.Lock()
	t.closed = true
	for e := range t.entries {
		t.dropLocked(e)
	}
	t.mu.Unlock()
	t.running.Wait()
	t.cancel()
}

// authNow is the clock of the deadlines (Config.AuthNow, else the
// broker's clock).
func (s *Broker) authNow() time.Time {
	if s.cfg.AuthNow != nil {
		return s.cfg.AuthNow()
	}
	return s.clock.Now()
}
