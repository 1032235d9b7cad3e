package broker

import (
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/clock"
)

// The broker's clock (Config.Clock). On the wall clock mochi does what it
// always does: keep-alive read deadlines, and once a second it expires
// persistent sessions, queued (inflight) messages and retained messages
// by time.Now. mochi cannot be given another clock, so on a fake clock the
// broker does the same by itself, on timers of that clock:
//
//   - keep-alive: brokerConn turns mochi's read deadline into a timer of
//     the clock that, when it fires, sets a past deadline on the socket
//     (brokerconn.go);
//   - session expiry: a timer per disconnected persistent session, which
//     forgets it as mochi's clearExpiredClients would;
//   - message expiry (queued and retained): messages carry their expiry in
//     mochi's frame (the clock's time plus a fixed offset, so that mochi's
//     own wall-clock sweeps stay a backstop that can only fire late), and
//     a timer per expiry second sweeps what fell due; the Message Expiry
//     Interval a subscriber receives is the remainder on the clock.
//
// mochi's wall-clock sweeps keep running: a test whose fake clock stays
// behind the wall clock by more than an expiry interval sees that message
// or session expire by the wall clock (docs/compatibility.md).

func (s *Broker) initClock(c clock.Clock) {
	s.clock = clock.OrReal(c)
	if clock.IsReal(s.clock) {
		return
	}
	s.expiry = &fakeExpiry{s: s, offset: time.Now().Unix() - s.clock.Now().Unix(), due: map[int64]clock.Timer{}}
}

// fakeClock is the clock brokerConns follow for keep-alive: nil on the
// wall clock, where mochi's deadlines are used as they are.
func (s *Broker) fakeClock() clock.Clock {
	if s.expiry == nil {
		return nil
	}
	return s.clock
}

// fakeExpiry runs session and message expiry on a fake clock.
type fakeExpiry struct {
	s      *Broker
	offset int64 // mochi's frame minus the clock's, in seconds

	mu     sync.Mutex
	closed bool
	due    map[int64]clock.Timer // sweeps, by the clock's Unix second
	// sessions are the expiry timers of disconnected persistent sessions.
	sessions map[*mqtt.Client]clock.Timer
}

// stamp sets a PUBLISH's creation time on the clock and its expiry in
// mochi's frame, and schedules the sweep that removes it when it expires.
func (e *fakeExpiry) stamp(pk *packets.Packet) {
	now := e.s.clock.Now().Unix()
	pk.Created = now
	pk.Expiry = 0
	if iv := int64(pk.Properties.MessageExpiryInterval); iv > 0 {
		pk.Expiry = now + iv + e.offset
		e.sweepAt(now + iv)
	}
}

// remaining is the Message Expiry Interval left on the clock for an
// outgoing PUBLISH (mochi computed it on the wall clock).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt5 (message expiry).
func (e *fakeExpiry) remaining(pk *packets.Packet) {
	if pk.Expiry <= 0 {
		return
	}
	left := pk.Expiry - e.offset - e.s.clock.Now().Unix()
	pk.Properties.MessageExpiryInterval = uint32(max(left, 1))
}

// sweepAt schedules one sweep at a Unix second of the clock.
func (e *fakeExpiry) sweepAt(sec int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || e.due[sec] != nil {
		return
	}
	d := time.Unix(sec, 0).Sub(e.s.clock.Now())
	e.due[sec] = e.s.clock.AfterFunc(d, func() {
		e.mu.Lock()
		delete(e.due, sec)
		closed := e.closed
		e.mu.Unlock()
		if !closed {
			e.sweep()
		}
	})
}

// sweep drops the queued and retained messages that have expired on the
// clock, as mochi's clearExpiredInflights and clearExpiredRetainedMessages
// do on the wall clock. A message expires once its whole interval has
// passed.
func (e *fakeExpiry) sweep() {
	// mochi drops a message whose Expiry < now: one more second makes
	// "interval passed" (Expiry <= clock now) count.
	cut := e.s.clock.Now().Unix() + e.offset + 1
	for _, cl := range e.s.broker.Clients.GetAll() {
		cl.ClearExpiredInflights(cut, 0)
	}
	for name, pk := range e.s.broker.Topics.Retained.GetAll() {
		if pk.Expiry > 0 && pk.Expiry < cut {
			e.s.broker.Topics.Retained.Delete(name)
		}
	}
}

// sessionEnded starts the expiry timer of a persistent session that just
// disconnected: after expiry seconds on the clock, if no connection has
// resumed it, it is forgotten.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt-persistent-sessions
func (e *fakeExpiry) sessionEnded(cl *mqtt.Client, expiry uint32) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return
	}
	if e.sessions == nil {
		e.sessions = map[*mqtt.Client]clock.Timer{}
	}
	e.sessions[cl] = e.s.clock.AfterFunc(time.Duration(expiry)*time.Second, func() { e.expireSession(cl) })
}

// expireSession forgets a session still held by the disconnected client
// (a resumed session belongs to the new connection's client).
func (e *fakeExpiry) expireSession(cl *mqtt.Client) {
	e.mu.Lock()
	delete(e.sessions, cl)
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return
	}
	cur, ok := e.s.broker.Clients.Get(cl.ID)
	if !ok || cur != cl || !cl.Closed() {
		return
	}
	e.s.conns.forgetSession(cl.ID)
	e.s.broker.UnsubscribeClient(cl)
	e.s.broker.Clients.Delete(cl.ID)
	e.s.log.Debug("persistent session expired", "client", cl.ID)
}

// close stops every timer; no sweep or expiry runs after it returns (one
// already running completes on the advancing goroutine).
func (e *fakeExpiry) close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closed = true
	for _, t := range e.due {
		t.Stop()
	}
	for _, t := range e.sessions {
		t.Stop()
	}
	e.due, e.sessions = nil, nil
}
