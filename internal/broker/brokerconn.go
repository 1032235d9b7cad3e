package broker

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"os"
	"sync/atomic"

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
}

func (c *brokerConn) Read(p []byte) (int, error) {
	if !c.gated {
		c.gated = true
		first, err := readConnect(c.Conn)
		if err != nil {
			return 0, err
		}
		c.pending = first
	}
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	n, err := c.Conn.Read(p)
	if err != nil && c.onTimeout != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		c.onTimeout()
	}
	return n, err
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
