package emulator

import (
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// reasonCustomAuthTTL ends a connection at the authorizer's
// disconnectAfterInSeconds. AWS: life-cycle-events.html disconnectReason
// CUSTOMAUTH_TTL_EXPIRATION (broker.md §3.2).
const reasonCustomAuthTTL = "CUSTOMAUTH_TTL_EXPIRATION"

// customTimers runs the deadlines of custom-auth MQTT connections:
// disconnectAfterInSeconds ends the connection (MQTT 5: DISCONNECT 0xA0
// "maximum connect time", UNCONFIRMED), refreshAfterInSeconds invokes the
// function again and replaces the connection's policies (a refusal ends
// it with AUTH_ERROR). AWS: config-custom-auth.html (broker.md §5.5).
//
// No goroutine waits: each deadline is a time.AfterFunc. The timers are
// owned here; a callback finding its connection gone does nothing, timers
// of ended connections are stopped at the next arm, and close stops all
// of them and waits for running callbacks.
type customTimers struct {
	s *Server

	mu      sync.Mutex
	closed  bool
	entries map[*timerEntry]struct{}
	running sync.WaitGroup // callbacks in progress
}

// timerEntry is one connection's deadlines.
type timerEntry struct {
	// find returns the connection, nil while (or once) there is none.
	find                func() *mqtt.Client
	id                  *authIdentity // the identity in force (guarded by customTimers.mu)
	refresh, disconnect *time.Timer
}

func newCustomTimers(s *Server) *customTimers {
	return &customTimers{s: s, entries: map[*timerEntry]struct{}{}}
}

// clientFinder finds an MQTT CONNECT's client.
func clientFinder(cl *mqtt.Client) func() *mqtt.Client {
	return func() *mqtt.Client { return cl }
}

// upgradeFinder finds the client of a WebSocket upgrade request.
func upgradeFinder(s *Server, r any) func() *mqtt.Client {
	return func() *mqtt.Client {
		for _, cl := range s.broker.Clients.GetAll() {
			if bc, ok := cl.Net.Conn.(*brokerConn); ok && any(bc.upgrade) == r {
				return cl
			}
		}
		return nil
	}
}

// arm schedules an identity's deadlines.
func (t *customTimers) arm(find func() *mqtt.Client, id *authIdentity) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	t.sweepLocked()
	e := &timerEntry{find: find, id: id}
	t.scheduleLocked(e, id)
	t.entries[e] = struct{}{}
}

// scheduleLocked (re)sets the entry's timers from the identity.
func (t *customTimers) scheduleLocked(e *timerEntry, id *authIdentity) {
	now := t.s.customAuthNow()
	if !id.disconnectAt.IsZero() {
		stopTimer(e.disconnect)
		e.disconnect = time.AfterFunc(id.disconnectAt.Sub(now), func() { t.fire(e, true) })
	}
	if !id.refreshAt.IsZero() && id.refresh != nil {
		stopTimer(e.refresh)
		e.refresh = time.AfterFunc(id.refreshAt.Sub(now), func() { t.fire(e, false) })
	}
}

func stopTimer(tm *time.Timer) {
	if tm != nil {
		tm.Stop()
	}
}

// sweepLocked stops the timers of connections that have ended.
func (t *customTimers) sweepLocked() {
	for e := range t.entries {
		if cl := e.find(); cl != nil && cl.Closed() {
			t.dropLocked(e)
		}
	}
}

func (t *customTimers) dropLocked(e *timerEntry) {
	stopTimer(e.refresh)
	stopTimer(e.disconnect)
	delete(t.entries, e)
}

// fire handles a deadline of a connection still using the identity.
func (t *customTimers) fire(e *timerEntry, disconnect bool) {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.running.Add(1)
	defer t.running.Done()
	id := e.id
	cl := e.find()
	live := cl != nil && !cl.Closed() && connAuthOf(cl) != nil && connAuthOf(cl).id == id
	if !live || disconnect {
		t.dropLocked(e)
	}
	t.mu.Unlock()
	switch {
	case !live:
	case disconnect:
		t.s.endConnection(cl, reasonCustomAuthTTL, packets.ErrMaxConnectTime)
	default:
		t.refresh(e, cl, id)
	}
}

// refresh invokes the function again; its answer replaces the
// connection's identity (policies, principal, deadlines).
func (t *customTimers) refresh(e *timerEntry, cl *mqtt.Client, id *authIdentity) {
	next, err := id.refresh()
	bc, _ := cl.Net.Conn.(*brokerConn)
	if err != nil || bc == nil {
		t.mu.Lock()
		t.dropLocked(e)
		t.mu.Unlock()
		t.s.log.Debug("custom authorizer refresh refused", "client", cl.ID, "error", err)
		t.s.endConnection(cl, reasonAuthError, packets.ErrNotAuthorized)
		return
	}
	old := bc.auth.Load()
	bc.auth.Store(&connAuth{id: next, ctx: old.ctx})
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	e.id = next
	if next.disconnectAt.IsZero() {
		next.disconnectAt = id.disconnectAt // the first answer's limit stays
	}
	t.scheduleLocked(e, next)
}

// close stops every timer and waits for running callbacks.
func (t *customTimers) close() {
	t.mu.Lock()
	t.closed = true
	for e := range t.entries {
		t.dropLocked(e)
	}
	t.mu.Unlock()
	t.running.Wait()
}

// customAuthNow is the clock of the deadlines (Config.Auth.Now, else
// time.Now).
func (s *Server) customAuthNow() time.Time {
	if s.cfg.Auth.Now != nil {
		return s.cfg.Auth.Now()
	}
	return time.Now()
}

// customAuthSecond is how long one of the authorizer's seconds lasts:
// Limits.CustomAuthSecond (tests shorten it), default one second.
func (s *Server) customAuthSecond() time.Duration {
	if d := s.cfg.Limits.CustomAuthSecond; d > 0 {
		return d
	}
	return time.Second
}
