package apigw

import (
	"context"
	"errors"
	"github.com/iotemu/iotemu/clock"
	"io"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// conn is one established WebSocket connection. Its handshake goroutine
// becomes its only reader; writeLoop is its only writer (gorilla allows one
// of each; Close and WriteControl are safe from any goroutine).
type conn struct {
	srv         *Server
	api         *api
	id          string
	ws          *websocket.Conn
	connectedAt time.Time // by Config.Now
	started     time.Time // monotonic, for the timers
	identity    Identity
	domainName  string
	traceID     string
	authorizer  map[string]any

	out          chan []byte   // outbound messages, bounded
	lastActive   atomic.Int64  // nanoseconds since started, for the idle timer
	lastActiveAt atomic.Int64  // Unix ms by Config.Now, for GetConnection
	closeReq     chan struct{} // closed by requestClose
	writerDone   chan struct{}

	mu        sync.Mutex // guards the close state and sends to out
	closing   bool
	code      int
	reason    string
	sendFrame bool // the server sends the close frame (client closes are echoed by gorilla)
}

// send queues data for the client: ErrGone once the connection is closing,
// ErrLimitExceeded when the queue is full.
func (c *conn) send(data []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return ErrGone
	}
	select {
	case c.out <- data:
		return nil
	default:
		return ErrLimitExceeded
	}
}

// requestClose starts closing with code and reason (the first request
// wins) and reports whether this call started it.
func (c *conn) requestClose(code int, reason string, sendFrame bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return false
	}
	c.closing, c.code, c.reason, c.sendFrame = true, code, reason, sendFrame
	close(c.closeReq)
	return true
}

func (c *conn) closeStatus() (code int, reason string, closing bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.code, c.reason, c.closing
}

func (c *conn) touch() {
	c.lastActive.Store(int64(clock.Since(c.srv.cfg.Clock, c.started)))
	c.lastActiveAt.Store(c.srv.cfg.Now().UnixMilli())
}

// setWS attaches the upgraded socket; Close may read it concurrently.
func (c *conn) setWS(ws *websocket.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ws = ws
}

// drop closes the socket without a close handshake, if there is one yet.
func (c *conn) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ws != nil {
		_ = c.ws.Close() // unblocks the reader; the error has no consequence
	}
}

// run serves the connection until it ends, then runs $disconnect.
func (c *conn) run(ctx context.Context) {
	c.touch()
	c.srv.wg.Go(c.writeLoop)
	if c.srv.cfg.Compat.PingResetsIdle {
		c.ws.SetPingHandler(func(data string) error {
			c.touch()
			err := c.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(writeWait))
			if errors.Is(err, websocket.ErrCloseSent) {
				return nil
			}
			return err
		})
		c.ws.SetPongHandler(func(string) error { c.touch(); return nil })
	}
	c.readLoop(ctx)
	<-c.writerDone
	_ = c.ws.Close() // both loops are done; the error has no consequence
	c.srv.unregister(c)
	code, reason, _ := c.closeStatus()
	c.srv.disconnect(ctx, c, code, reason)
}

// readLoop reads until the connection fails or closes. After a server
// close it keeps reading, and discarding, until the client's close frame.
func (c *conn) readLoop(ctx context.Context) {
	limit := c.srv.cfg.Limits.MessageBytes
	for {
		typ, r, err := c.ws.NextReader()
		if err != nil {
			c.readFailed(err)
			return
		}
		if _, _, closing := c.closeStatus(); closing {
			continue
		}
		if typ == websocket.BinaryMessage {
			// AWS: "Currently binary payloads are not supported. If a binary
			// frame is received, the connection is closed with code 1003."
			c.requestClose(closeUnsupported, reasonUnsupported, true)
			continue
		}
		data, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
		if err != nil {
			c.readFailed(err)
			return
		}
		if len(data) > limit {
			// AWS: "If a larger message (or larger frame size) is received,
			// the connection is closed with code 1009."
			c.requestClose(closeTooBig, reasonTooBig, true)
			continue
		}
		c.touch()
		c.srv.route(ctx, c, data)
	}
}

// readFailed records why the client side ended.
func (c *conn) readFailed(err error) {
	var ce *websocket.CloseError
	switch {
	case errors.Is(err, errFrameTooBig):
		c.requestClose(closeTooBig, reasonTooBig, true)
	case errors.As(err, &ce) && ce.Code != closeAbnormal: // gorilla reports EOF as 1006
		reason := ce.Text
		if ce.Code == closeNoStatus {
			reason = reasonNoStatus
		}
		c.requestClose(ce.Code, reason, false)
	default:
		c.requestClose(closeAbnormal, "", false)
		_ = c.ws.Close() // the socket is broken; wake the writer's pending write
	}
}

// writeLoop writes queued messages and enforces the idle and duration
// limits, until the connection closes.
func (c *conn) writeLoop() {
	defer close(c.writerDone)
	lim, clk := c.srv.cfg.Limits, c.srv.cfg.Clock
	// The limits are callbacks of the clock, not channels: a fake clock
	// runs them inside its Advance, so an idle timer re-armed for the rest
	// of its 10 minutes fires in the same Advance (a channel's reader
	// would re-arm it too late, after the Advance returned).
	var idleMu sync.Mutex // orders the timer's creation before its callback
	var idle clock.Timer
	idleMu.Lock()
	idle = clk.AfterFunc(lim.IdleTimeout, func() {
		idleMu.Lock()
		defer idleMu.Unlock()
		since := clock.Since(clk, c.started) - time.Duration(c.lastActive.Load())
		if rest := lim.IdleTimeout - since; rest > 0 {
			idle.Reset(rest)
			return
		}
		// AWS: "Idle Connection Timeout 10 minutes".
		c.requestClose(closeGoingAway, reasonGoingAway, true)
	})
	idleMu.Unlock()
	defer idle.Stop()
	maxT := clk.AfterFunc(lim.MaxDuration-clock.Since(clk, c.started), func() {
		// AWS: "Connection duration for WebSocket API 2 hours".
		c.requestClose(closeGoingAway, reasonGoingAway, true)
	})
	defer maxT.Stop()
	for {
		select {
		case data := <-c.out:
			if err := c.write(data); err != nil {
				c.requestClose(closeAbnormal, "", false)
				_ = c.ws.Close() // wakes the reader
				return
			}
		case <-c.closeReq:
			c.finishWrites()
			return
		}
	}
}

// write sends one message: text if it is UTF-8, else binary (the frame
// type of PostToConnection data is unconfirmed, docs/compatibility.md "API Gateway WebSocket mimic").
func (c *conn) write(data []byte) error {
	typ := websocket.TextMessage
	if !utf8.Valid(data) {
		typ = websocket.BinaryMessage
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait)) // only fails on a closed conn, which WriteMessage reports
	if err := c.ws.WriteMessage(typ, data); err != nil {
		return err
	}
	c.touch()
	return nil
}

// finishWrites flushes what was queued before the close, then sends the
// close frame when the server closes, and gives the client closeGrace to
// answer before the reader stops.
func (c *conn) finishWrites() {
	code, reason, _ := c.closeStatus()
	c.mu.Lock()
	sendFrame := c.sendFrame
	c.mu.Unlock()
	if !sendFrame {
		return
	}
	for flushed := false; !flushed; {
		select {
		case data := <-c.out:
			if c.write(data) != nil {
				flushed = true
			}
		default:
			flushed = true
		}
	}
	msg := websocket.FormatCloseMessage(code, reason)
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeWait)) // a dead socket ends the reader anyway
	_ = c.ws.NetConn().SetReadDeadline(time.Now().Add(closeGrace))
}
