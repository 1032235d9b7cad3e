package apigw

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
)

// tlsRecordHandshake is the first byte of every TLS connection: the
// record type of the ClientHello (RFC 8446 §5.1). No HTTP request line
// starts with it, so one byte tells wss:// and https:// from ws:// and
// http:// on the same port.
const tlsRecordHandshake = 0x16

// sniffConn serves TLS or plain text on one port: its first Read peeks a
// byte and, when it opens a TLS handshake, runs the connection through a
// tls.Server. The frame limit's frameConn wraps it, so frames are parsed
// after decryption. Only the HTTP server's reader goroutine reads; the
// server writes only after its first read.
type sniffConn struct {
	net.Conn // the raw connection: addresses and deadlines
	cfg      *tls.Config

	once  sync.Once
	inner net.Conn // the TLS connection or the raw one, replaying the peeked byte
	state *tls.ConnectionState
	err   error
}

func (c *sniffConn) init() {
	c.once.Do(func() {
		var b [1]byte
		n, err := c.Conn.Read(b[:])
		if n == 0 {
			c.err = err
			if c.err == nil {
				c.err = errors.New("sniff: empty read")
			}
			return
		}
		replay := &prefixConn{Conn: c.Conn, prefix: b[:1]}
		if b[0] != tlsRecordHandshake {
			c.inner = replay
			return
		}
		tc := tls.Server(replay, c.cfg)
		if err := tc.Handshake(); err != nil { // bounded by the HTTP server's read deadline
			c.err = fmt.Errorf("tls handshake: %w", err)
			return
		}
		st := tc.ConnectionState()
		c.inner, c.state = tc, &st
	})
}

func (c *sniffConn) Read(p []byte) (int, error) {
	c.init()
	if c.err != nil {
		return 0, c.err
	}
	return c.inner.Read(p)
}

func (c *sniffConn) Write(p []byte) (int, error) {
	c.init()
	if c.err != nil {
		return 0, c.err
	}
	return c.inner.Write(p)
}

// Close closes the raw connection, never waiting for a sniff or a TLS
// handshake in progress (which it ends): the server's Close must not hang
// on a client that connected and sent nothing. A TLS peer gets no
// close_notify, as when the connection drops.
func (c *sniffConn) Close() error {
	return c.Conn.Close()
}

// tlsState is the TLS state of a sniffed TLS connection, nil for plain text.
func (c *sniffConn) tlsState() *tls.ConnectionState {
	c.init()
	return c.state
}

// prefixConn replays bytes read ahead before the rest of the connection.
type prefixConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(p, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// withTLSState sets r.TLS for requests that arrived over a sniffed TLS
// connection, which net/http cannot see (it knows only *tls.Conn), so
// that events say X-Forwarded-Proto https and X-Forwarded-Port as AWS's.
func withTLSState(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fc, ok := r.Context().Value(frameConnKey{}).(*frameConn); ok && r.TLS == nil {
			if sc, ok := fc.Conn.(*sniffConn); ok {
				if st := sc.tlsState(); st != nil {
					r = r.WithContext(r.Context()) // a shallow copy, not the server's request
					r.TLS = st
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
