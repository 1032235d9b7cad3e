// Package mqttws adapts a WebSocket connection carrying MQTT to a net.Conn,
// so the broker reads MQTT from it as from TCP. MQTT packets may span
// WebSocket messages and a message may hold several packets, so reads are a
// byte stream across binary frames.
// AWS: protocols.html "MQTT over WebSocket" ("The data you send over the WebSocket protocol are MQTT messages").
package mqttws

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Conn is a net.Conn over a WebSocket connection. It has one reader (the
// broker's read loop) and serialises writers with a mutex, as gorilla
// requires.
type Conn struct {
	ws      *websocket.Conn
	reader  io.Reader
	onClose func() // called by Read when the peer sends a Close frame

	writeMu sync.Mutex // serialises writes; gorilla allows one writer

	deadlineMu    sync.Mutex // guards writeDeadline, set by any goroutine
	writeDeadline time.Time  // applied by Write: gorilla's setter races with writes
}

var _ net.Conn = (*Conn)(nil)

// New wraps ws.
func New(ws *websocket.Conn) *Conn { return &Conn{ws: ws} }

// OnCloseFrame sets fn to be called, on the reading goroutine, when the
// peer sends a WebSocket Close frame. Call it from the reading goroutine.
func (c *Conn) OnCloseFrame(fn func()) { c.onClose = fn }

// Read reads MQTT bytes, moving to the next binary message when one is
// exhausted. A text message is a protocol error for MQTT over WebSocket
// [MQTT-6.0.0-1].
func (c *Conn) Read(p []byte) (int, error) {
	for {
		if c.reader == nil {
			typ, r, err := c.ws.NextReader()
			if err != nil {
				return 0, c.closeToEOF(err)
			}
			if typ != websocket.BinaryMessage {
				return 0, fmt.Errorf("read websocket: message type %d is not binary", typ)
			}
			c.reader = r
		}
		n, err := c.reader.Read(p)
		if errors.Is(err, io.EOF) {
			c.reader = nil
			if n == 0 {
				continue
			}
			return n, nil
		}
		return n, err
	}
}

// Write sends p as one binary message.
func (c *Conn) Write(p []byte) (int, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.deadlineMu.Lock()
	d := c.writeDeadline
	c.deadlineMu.Unlock()
	if err := c.ws.SetWriteDeadline(d); err != nil {
		return 0, fmt.Errorf("write websocket: %w", err)
	}
	if err := c.ws.WriteMessage(websocket.BinaryMessage, p); err != nil {
		return 0, fmt.Errorf("write websocket: %w", err)
	}
	return len(p), nil
}

// Close closes the underlying connection without a close handshake; the
// broker has already sent its MQTT DISCONNECT where one is due.
func (c *Conn) Close() error { return c.ws.Close() }

// LocalAddr returns the server side address.
func (c *Conn) LocalAddr() net.Addr { return c.ws.LocalAddr() }

// RemoteAddr returns the client's address.
func (c *Conn) RemoteAddr() net.Addr { return c.ws.RemoteAddr() }

// SetDeadline sets both deadlines.
func (c *Conn) SetDeadline(t time.Time) error {
	if err := c.ws.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// SetReadDeadline sets the read deadline.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.ws.SetReadDeadline(t) }

// SetWriteDeadline sets the deadline of the next writes.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	c.deadlineMu.Lock()
	defer c.deadlineMu.Unlock()
	c.writeDeadline = t
	return nil
}

// closeToEOF turns a WebSocket close into io.EOF, which the broker treats
// as the peer going away, after telling the OnCloseFrame handler.
func (c *Conn) closeToEOF(err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		if c.onClose != nil {
			c.onClose()
		}
		return io.EOF
	}
	return err
}
