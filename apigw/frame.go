package apigw

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"sync/atomic"
)

// errFrameTooBig reports an inbound frame over the frame limit.
var errFrameTooBig = errors.New("websocket frame exceeds the frame size limit")

// frameListener wraps accepted connections in frameConn, so that frames
// over API Gateway's 32 KB limit are seen: gorilla reassembles fragmented
// messages and offers no per-frame hook.
// With tls set, each connection is first sniffed (sniff.go), so that the
// frames parsed are the decrypted ones.
type frameListener struct {
	net.Listener
	tls *tls.Config
}

func (l *frameListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if l.tls != nil {
		c = &sniffConn{Conn: c, cfg: l.tls}
	}
	return &frameConn{Conn: c}, nil
}

type frameConnKey struct{}

// withFrameConn is http.Server.ConnContext: it lets the handshake find its
// frameConn.
func withFrameConn(ctx context.Context, c net.Conn) context.Context {
	if fc, ok := c.(*frameConn); ok {
		return context.WithValue(ctx, frameConnKey{}, fc)
	}
	return ctx
}

// frameConn parses the headers of the client's WebSocket frames as they
// are read, once armed after the upgrade. Only the reader goroutine reads.
type frameConn struct {
	net.Conn
	limit atomic.Int64 // 0 until armed
	scan  frameScanner
}

func (c *frameConn) arm(limit int64) { c.limit.Store(limit) }

func (c *frameConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if limit := c.limit.Load(); limit > 0 && n > 0 && c.scan.tooBig(p[:n], limit) {
		return 0, errFrameTooBig
	}
	return n, err
}

// frameScanner follows RFC 6455 §5.2 framing over a byte stream: it
// collects each frame header and skips its payload.
type frameScanner struct {
	hdr  [14]byte
	have int   // header bytes collected
	skip int64 // payload bytes still to pass
}

// tooBig consumes b and reports a data frame longer than limit.
func (f *frameScanner) tooBig(b []byte, limit int64) bool {
	for len(b) > 0 {
		if f.skip > 0 {
			n := min(int64(len(b)), f.skip)
			f.skip -= n
			b = b[n:]
			continue
		}
		f.hdr[f.have] = b[0]
		f.have++
		b = b[1:]
		if f.have < 2 || f.have < headerLen(f.hdr[1]) {
			continue
		}
		length := payloadLen(f.hdr[:f.have])
		if f.hdr[0]&0x0f < 8 && length > limit { // data or continuation frame
			return true
		}
		f.skip, f.have = length, 0
	}
	return false
}

// headerLen is a frame header's size given its second byte.
func headerLen(b1 byte) int {
	n := 2
	switch b1 & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&0x80 != 0 {
		n += 4 // masking key
	}
	return n
}

func payloadLen(h []byte) int64 {
	switch l := int64(h[1] & 0x7f); l {
	case 126:
		return int64(h[2])<<8 | int64(h[3])
	case 127:
		var n int64
		for _, b := range h[2:10] {
			n = n<<8 | int64(b)
		}
		return n
	default:
		return l
	}
}
