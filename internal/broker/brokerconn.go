package broker

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iotemu/iotemu/clock"
	"github.com/iotemu/iotemu/internal/authz"
)

// brokerConn is every connection handed to mochi. It lets the hook see
// what mochi does not report: a read that ended because the keep-alive
// deadline passed (so that an MQTT 5 client gets DISCONNECT 0x8D before
// the socket closes) and the client certificate of a TLS or WSS client. Its
// first read passes the CONNECT gate, within Limits.ConnectTimeout. Its
// writes go through the connection's outbound queue (outbound.go), so that
// mochi never holds a lock across a socket write; deadlines mochi sets
// apply to reads only.
type brokerConn struct {
	net.Conn
	out            *sendQueue
	connectTimeout time.Duration
	closing        atomic.Bool
	peer           *x509.Certificate // set at handover for WSS; found in the TLS state otherwise

	// upgrade is the /mqtt upgrade request of a WebSocket client (headers
	// and query, for identity sources); upgraded is the identity its
	// signature established there (strict mode), nil if none.
	upgrade  *http.Request
	upgraded *authz.Identity
	// auth is what the connection may do (strict mode), set at CONNECT.
	auth atomic.Pointer[authz.Conn]

	// onTimeout is set by the hook at CONNECT and called on the reading
	// goroutine, the only one that sets or reads it.
	onTimeout func()

	// gated is set once the CONNECT gate (connectgate.go) has read the
	// first packet; pending holds its bytes until mochi has read them.
	// Only the reading goroutine touches them.
	gated   bool
	pending []byte
	// subscribes is the SUBSCRIBE gate of MQTT 5 connections
	// (subscribegate.go), on the reading goroutine too.
	subscribes subscribeGate

	id atomic.Pointer[string] // the client ID, set at CONNECT, for logs

	// fake is the broker's clock when it is not the wall clock: read
	// deadlines (mochi's keep-alive) then fire on it (SetReadDeadline).
	fake     clock.Clock
	deadline struct {
		sync.Mutex
		gen      uint64 // which deadline the armed timer belongs to
		timer    clock.Timer
		lastRead time.Time // on the fake clock: when bytes last arrived
	}
}

// newConn wraps a connection accepted for the broker.
func (s *Broker) newConn(c net.Conn) *brokerConn {
	lim := s.cfg.Limits
	bc := &brokerConn{Conn: c, connectTimeout: lim.ConnectTimeout, fake: s.fakeClock()}
	bc.out = newSendQueue(c, lim.WriteTimeout, lim.OutboundBytes, queueEvents{
		dropped: func(topic string) { s.countDrop(bc.clientID(), topic) },
	})
	return bc
}

func (c *brokerConn) Read(p []byte) (int, error) {
	if c.closing.Load() {
		return 0, net.ErrClosed
	}
	if !c.gated {
		c.gated = true
		// AWS closes a connection that sends no CONNECT promptly; the
		// deadline also bounds a TLS handshake, which happens on this read.
		if c.connectTimeout > 0 {
			_ = c.Conn.SetDeadline(time.Now().Add(c.connectTimeout)) // a failed deadline only loses the bound
		}
		first, err := readConnect(c.Conn, c)
		if err != nil {
			return 0, err
		}
		c.pending = first
		c.subscribes.start(first)
		c.markRead()
	}
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	var n int
	var err error
	if c.subscribes.on {
		n, err = c.subscribes.read(c.Conn, c, p)
	} else {
		n, err = c.Conn.Read(p)
	}
	if n > 0 {
		c.markRead()
	}
	if err != nil && c.closing.Load() {
		return n, net.ErrClosed
	}
	if err != nil && c.onTimeout != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		c.onTimeout()
	}
	return n, err
}

// Write queues p for the connection's goroutine; it never blocks on the
// socket.
func (c *brokerConn) Write(p []byte) (int, error) { return c.out.Write(p) }

// Close ends the connection without waiting: a blocked read returns at
// once, what is queued is flushed within closeFlush, then the socket
// closes. Idempotent.
func (c *brokerConn) Close() error {
	if c.closing.CompareAndSwap(false, true) {
		c.stopFakeTimer()
		_ = c.Conn.SetReadDeadline(longAgo) // wakes the reader; Read reports net.ErrClosed
		c.out.close()
	}
	return nil
}

// wait closes the connection and waits until its socket is closed and its
// writing goroutine gone.
func (c *brokerConn) wait() {
	_ = c.Close() // idempotent, never fails
	c.out.wait()
}

// SetDeadline sets the read deadline only: mochi sets both from the
// keep-alive (refreshDeadline, after every packet), but writes have their
// own bound (Limits.WriteTimeout, on the wall clock: a stalled socket is a
// wall-clock matter).
func (c *brokerConn) SetDeadline(t time.Time) error { return c.SetReadDeadline(t) }

// SetReadDeadline sets the socket's read deadline; once the connection is
// closing, the deadline stays in the past so that the reader stays woken.
func (c *brokerConn) SetReadDeadline(t time.Time) error {
	err := c.setReadDeadline(t)
	if c.closing.Load() {
		_ = c.Conn.SetReadDeadline(longAgo) // Close ran meanwhile
	}
	return err
}

// setReadDeadline, on a fake clock, arms a timer of that clock for the
// same duration (mochi computed t from the wall clock after the last
// packet), counted from when the client's bytes last arrived on the fake
// clock, so that the deadline does not depend on how soon mochi's reader
// got round to re-arming it. When it fires the socket gets a past
// deadline, which ends the pending read with os.ErrDeadlineExceeded
// exactly as the real deadline would.
func (c *brokerConn) setReadDeadline(t time.Time) error {
	if c.fake == nil {
		return c.Conn.SetReadDeadline(t)
	}
	d := &c.deadline
	d.Lock()
	defer d.Unlock()
	d.gen++
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	if t.IsZero() {
		return c.Conn.SetReadDeadline(t)
	}
	now := c.fake.Now()
	from := d.lastRead
	if from.IsZero() {
		from = now
	}
	in := from.Add(time.Until(t)).Sub(now)
	if in <= 0 {
		return c.Conn.SetReadDeadline(longAgo)
	}
	gen := d.gen
	d.timer = c.fake.AfterFunc(in, func() {
		d.Lock()
		defer d.Unlock()
		if d.gen == gen {
			_ = c.Conn.SetReadDeadline(longAgo) // fails only on a closed socket
		}
	})
	return c.Conn.SetReadDeadline(time.Time{})
}

// stopFakeTimer stops the keep-alive timer of a fake clock.
func (c *brokerConn) stopFakeTimer() {
	if c.fake == nil {
		return
	}
	d := &c.deadline
	d.Lock()
	d.gen++
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	d.Unlock()
}

// markRead records, on a fake clock, that the client's bytes arrived.
func (c *brokerConn) markRead() {
	if c.fake == nil {
		return
	}
	c.deadline.Lock()
	c.deadline.lastRead = c.fake.Now()
	c.deadline.Unlock()
}

// SetWriteDeadline is ignored: the queue's goroutine sets one per write.
func (c *brokerConn) SetWriteDeadline(time.Time) error { return nil }

// clientID returns the connection's client ID once CONNECT was read.
func (c *brokerConn) clientID() string {
	if id := c.id.Load(); id != nil {
		return *id
	}
	return ""
}

// peerCertificate returns the client's certificate, if it sent one. Call it
// after the first read (the TLS handshake has then completed).
func (c *brokerConn) peerCertificate() *x509.Certificate {
	if c.peer != nil {
		return c.peer
	}
	if tc, ok := c.Conn.(*tls.Conn); ok {
		if certs := tc.ConnectionState().PeerCertificates; len(certs) > 0 {
			return certs[0]
		}
	}
	return nil
}
