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
// first read passes the CONNECT gate.
type brokerConn struct {
	net.Conn
	peer *x509.Certificate // set at handover for WSS; found in the TLS state otherwise

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

// SetDeadline is mochi's keep-alive (refreshDeadline sets both deadlines
// after every packet). On a fake clock the write deadline stays on the
// wall clock (a stalled socket is a wall-clock matter), the read deadline
// follows the fake clock.
func (c *brokerConn) SetDeadline(t time.Time) error {
	if c.fake == nil {
		return c.Conn.SetDeadline(t)
	}
	if err := c.Conn.SetWriteDeadline(t); err != nil {
		return err //nolint:wrapcheck // net.Conn's own error, as the embedded method returns it
	}
	return c.SetReadDeadline(t)
}

// SetReadDeadline, on a fake clock, arms a timer of that clock for the
// same duration (mochi computed t from the wall clock after the last
// packet), counted from when the client's bytes last arrived on the fake
// clock, so that the deadline does not depend on how soon mochi's reader
// got round to re-arming it. When it fires the socket gets a past
// deadline, which ends the pending read with os.ErrDeadlineExceeded
// exactly as the real deadline would.
func (c *brokerConn) SetReadDeadline(t time.Time) error {
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
		return c.Conn.SetReadDeadline(time.Unix(1, 0))
	}
	gen := d.gen
	d.timer = c.fake.AfterFunc(in, func() {
		d.Lock()
		defer d.Unlock()
		if d.gen == gen {
			_ = c.Conn.SetReadDeadline(time.Unix(1, 0)) // fails only on a closed socket
		}
	})
	return c.Conn.SetReadDeadline(time.Time{})
}

// Close stops the keep-alive timer of a fake clock.
func (c *brokerConn) Close() error {
	if c.fake != nil {
		d := &c.deadline
		d.Lock()
		d.gen++
		if d.timer != nil {
			d.timer.Stop()
			d.timer = nil
		}
		d.Unlock()
	}
	return c.Conn.Close()
}

func (c *brokerConn) Read(p []byte) (int, error) {
	if !c.gated {
		c.gated = true
		first, err := readConnect(c.Conn)
		if err != nil {
			return 0, err
		}
		c.pending = first
		c.markRead()
	}
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.markRead()
	}
	if err != nil && c.onTimeout != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		c.onTimeout()
	}
	return n, err
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
