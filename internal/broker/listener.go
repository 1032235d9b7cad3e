package broker

import (
	"log/slog"
	"net"
	"sync"

	"github.com/mochi-mqtt/server/v2/listeners"
)

// connListener is a mochi listener that tracks every connection it hands to
// the broker, so that Close can end them all and wait for the broker to
// finish with each before it closes mochi itself. (mochi's own Close calls
// WaitGroup.Wait while a connection still being accepted may call Add.)
// With a nil net.Listener it accepts nothing by itself: the HTTP server
// upgrades WebSocket connections and hands them over with serve.
type connListener struct {
	id   string
	ln   net.Listener // nil for WebSocket
	wrap func(net.Conn) *brokerConn

	mu      sync.Mutex
	closed  bool
	conns   map[*brokerConn]struct{}
	serving sync.WaitGroup // one per connection, until the broker returns it
}

var _ listeners.Listener = (*connListener)(nil)

func newConnListener(id string, ln net.Listener, wrap func(net.Conn) *brokerConn) *connListener {
	return &connListener{id: id, ln: ln, wrap: wrap, conns: map[*brokerConn]struct{}{}}
}

func (l *connListener) Init(*slog.Logger) error { return nil }
func (l *connListener) ID() string              { return l.id }
func (l *connListener) Protocol() string        { return "tcp" }

func (l *connListener) Address() string {
	if l.ln == nil {
		return ""
	}
	return l.ln.Addr().String()
}

// Serve accepts connections until the socket closes; mochi runs it on a
// goroutine of its own.
func (l *connListener) Serve(establish listeners.EstablishFn) {
	if l.ln == nil {
		return
	}
	for {
		raw, err := l.ln.Accept()
		if err != nil {
			return
		}
		conn := l.wrap(raw)
		if !l.add(conn) {
			return
		}
		go func() {
			defer l.done(conn)
			_ = establish(l.id, conn) // the broker logs why a client ended
		}()
	}
}

// serve runs one connection on the caller's goroutine until the broker is
// done with it.
func (l *connListener) serve(establish listeners.EstablishFn, conn *brokerConn) error {
	if !l.add(conn) {
		return net.ErrClosed
	}
	defer l.done(conn)
	return establish(l.id, conn)
}

func (l *connListener) add(conn *brokerConn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		conn.wait() // refused during shutdown
		return false
	}
	l.conns[conn] = struct{}{}
	l.serving.Add(1)
	return true
}

// done waits until the connection's socket is closed and its writing
// goroutine gone (the broker may return before its last bytes are out).
func (l *connListener) done(conn *brokerConn) {
	conn.wait()
	l.mu.Lock()
	delete(l.conns, conn)
	l.mu.Unlock()
	l.serving.Done()
}

// shutdown stops accepting, closes every connection still open (the broker
// has already sent DISCONNECT where one is due) and waits until the broker
// has returned each.
func (l *connListener) shutdown() {
	l.mu.Lock()
	l.closed = true
	if l.ln != nil {
		_ = l.ln.Close() // closing our own socket; nothing to report
	}
	for c := range l.conns {
		_ = c.Close() // ends the broker's read loop for this client
	}
	l.mu.Unlock()
	l.serving.Wait()
}

// Close is mochi's call during its own Close: by then shutdown has run.
func (l *connListener) Close(closeClients listeners.CloseFn) {
	closeClients(l.id)
}
