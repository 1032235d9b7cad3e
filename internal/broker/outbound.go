package broker

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"
)

// The outbound queue of one connection. mochi writes a packet to the
// client's socket while holding the client's lock, which every QoS 1
// delivery to that client, every API call on it and shutdown also need: a
// client that stops reading would hold them all until its keep-alive ran
// out (issue 13). So mochi's writes only copy bytes into this queue, bounded
// in bytes, and the connection's own goroutine writes them to the socket,
// each write bounded by Limits.WriteTimeout. A full queue is handled per
// QoS (Limits.OutboundBytes): QoS 0 dropped and counted, QoS 1 kept in the
// session unsent up to maxUnsentQoS1, then the client is disconnected.

const (
	// maxUnsentQoS1 is how many QoS 1 publishes a client may miss for lack
	// of room before it is disconnected: AWS's 100 unacknowledged outbound
	// QoS 1 messages per client.
	// AWS: https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits
	maxUnsentQoS1 = 100
	// closeFlush bounds how long a closing connection's queued bytes (a
	// refusing CONNACK, a DISCONNECT) may take to leave before the socket is
	// closed anyway, so that shutdown with stuck clients stays under 2 s.
	closeFlush = 500 * time.Millisecond
)

var (
	errThrottled = errors.New("outbound queue full")
	// longAgo is a deadline in the past: it makes a blocked read return.
	longAgo = time.Unix(1, 0)
)

// queueEvents is what a sendQueue reports; any may be nil. They are called
// on the queue's own goroutine, except dropped, which is called by the
// writer (mochi, under the client's lock) and must not block. The ending
// ones are set at CONNECT (onEnd), under mu.
type queueEvents struct {
	dropped     func(topic string) // a QoS 0 publish dropped for lack of room
	throttled   func()             // the client is to be disconnected (THROTTLED)
	writeFailed func(err error)    // a socket write failed or timed out; the socket is closed
}

// sendQueue holds a connection's outbound bytes and writes them.
type sendQueue struct {
	conn    net.Conn
	timeout time.Duration // per socket write
	limit   int           // bytes
	events  queueEvents

	written atomic.Int64 // bytes written to the socket, for backpressure

	mu        sync.Mutex
	bufs      net.Buffers // queued, not yet taken by the goroutine
	queued    int         // bytes queued or being written
	unsent    int         // QoS 1 publishes not queued for lack of room
	throttled bool        // over the bound: only DISCONNECT is still queued
	reported  bool        // events.throttled was called
	failed    bool        // a write failed: nothing more is written
	closing   bool
	running   bool          // the goroutine has started (on the first write)
	wake      chan struct{} // capacity 1
	done      chan struct{} // closed once the socket is closed and the goroutine gone
	kill      *time.Timer   // closes the socket if the final flush takes too long
}

func newSendQueue(conn net.Conn, timeout time.Duration, limit int, ev queueEvents) *sendQueue {
	return &sendQueue{conn: conn, timeout: timeout, limit: limit, events: ev,
		wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// onEnd sets the events that end the connection, once its client is
// known (at CONNECT).
func (q *sendQueue) onEnd(throttled func(), writeFailed func(error)) {
	q.mu.Lock()
	q.events.throttled, q.events.writeFailed = throttled, writeFailed
	q.mu.Unlock()
}

// level returns the bytes queued, the bound and the bytes written so far.
func (q *sendQueue) level() (queued, limit int, written int64) {
	q.mu.Lock()
	queued = q.queued
	q.mu.Unlock()
	return queued, q.limit, q.written.Load()
}

// Write queues p, which holds whole MQTT packets (mochi writes one encoded
// packet, or a buffer of them, per call). It never blocks on the socket.
func (q *sendQueue) Write(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closing || q.failed {
		return 0, net.ErrClosed
	}
	keep := p
	if q.throttled || (q.queued > 0 && q.queued+len(p) > q.limit) {
		keep = q.sift(p)
		if !q.throttled && (q.unsent > maxUnsentQoS1 || q.queued+len(keep) > 2*q.limit) {
			q.throttled = true
			// A write blocked in the socket returns now, so that the
			// goroutine ends the connection (WebSocket: at its own deadline).
			_ = q.conn.SetWriteDeadline(longAgo)
			q.signal()
			return 0, errThrottled
		}
	}
	if len(keep) > 0 {
		q.bufs = append(q.bufs, append([]byte(nil), keep...))
		q.queued += len(keep)
		q.start()
		q.signal()
	}
	return len(p), nil
}

// sift returns the packets of p that are queued although the bound is
// reached: all but publishes (QoS 0 dropped and counted, QoS 1 left unsent
// in the session, counted towards maxUnsentQoS1); once throttled, only
// DISCONNECT.
func (q *sendQueue) sift(p []byte) []byte {
	var keep []byte
	for len(p) > 0 {
		n, typ, qos, topic := splitPacket(p)
		pk := p[:n]
		p = p[n:]
		switch {
		case q.throttled:
			if typ == packets.Disconnect {
				keep = append(keep, pk...)
			}
		case typ == packets.Publish && qos == 0:
			if q.events.dropped != nil {
				q.events.dropped(topic)
			}
		case typ == packets.Publish:
			q.unsent++
		default:
			keep = append(keep, pk...)
		}
	}
	return keep
}

// splitPacket returns the length of the first packet of p, its type, QoS
// and topic (for a PUBLISH without a topic alias). A malformed buffer,
// which mochi never writes, counts as one control packet.
func splitPacket(p []byte) (n int, typ, qos byte, topic string) {
	typ, qos = p[0]>>4, (p[0]>>1)&3
	length, mul, i := 0, 1, 1
	for ; i < len(p) && i <= 4; i++ {
		length += int(p[i]&0x7f) * mul
		mul *= 128
		if p[i]&0x80 == 0 {
			break
		}
	}
	n = i + 1 + length
	if i >= len(p) || n > len(p) {
		return len(p), packets.Pingresp, 0, ""
	}
	body := p[i+1 : n]
	if typ == packets.Publish && len(body) >= 2 {
		if l := int(body[0])<<8 | int(body[1]); 2+l <= len(body) {
			topic = string(body[2 : 2+l])
		}
	}
	return n, typ, qos, topic
}

// signal wakes the goroutine; the caller holds mu.
func (q *sendQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// start runs the goroutine on the first write, so that a connection that
// never gets a packet (silent before CONNECT) costs no goroutine; the
// caller holds mu.
func (q *sendQueue) start() {
	if !q.running {
		q.running = true
		go q.run()
	}
}

// close flushes what is queued, within closeFlush, then closes the socket;
// it does not wait (wait does).
func (q *sendQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closing {
		return
	}
	q.closing = true
	if !q.running {
		_ = q.conn.Close() // nothing was ever written; the reader ends on its own
		close(q.done)
		return
	}
	// A write blocked in the socket ends at closeFlush, or when kill fires
	// for connections whose deadline a blocked write does not see (WebSocket).
	_ = q.conn.SetWriteDeadline(time.Now().Add(closeFlush))
	q.kill = time.AfterFunc(closeFlush, func() { _ = q.conn.Close() })
	q.signal()
}

// wait closes the queue and waits until its socket is closed.
func (q *sendQueue) wait() {
	q.close()
	<-q.done
}

// run writes what is queued until the queue closes or a write fails.
func (q *sendQueue) run() {
	defer close(q.done)
	defer func() { _ = q.conn.Close() }() // also ends the reader if a write failed
	for {
		q.mu.Lock()
		bufs, closing := q.bufs, q.closing
		var throttled func()
		if q.throttled && !q.reported {
			throttled, q.reported = q.events.throttled, true
		}
		q.bufs = nil
		q.mu.Unlock()
		if throttled != nil {
			throttled() // ends the connection: close follows
		}
		if len(bufs) == 0 {
			if closing {
				q.stopKill()
				return
			}
			<-q.wake
			continue
		}
		if err := q.write(bufs, closing); err != nil {
			q.mu.Lock()
			q.failed, closing = true, q.closing
			failed := q.events.writeFailed
			if q.throttled && !q.reported {
				q.reported, failed = true, nil
				if f := q.events.throttled; f != nil {
					failed = func(error) { f() }
				}
			}
			q.mu.Unlock()
			if !closing && failed != nil {
				failed(err)
			}
			q.stopKill()
			return
		}
	}
}

func (q *sendQueue) write(bufs net.Buffers, closing bool) error {
	total := 0
	for _, b := range bufs {
		total += len(b)
	}
	deadline := time.Now().Add(q.timeout)
	if closing {
		deadline = time.Now().Add(min(q.timeout, closeFlush))
	}
	_ = q.conn.SetWriteDeadline(deadline) // a connection without deadlines is bounded by kill at close
	n, err := bufs.WriteTo(q.conn)
	q.written.Add(n)
	q.mu.Lock()
	q.queued -= total
	q.mu.Unlock()
	if err != nil {
		return err
	}
	return nil
}

func (q *sendQueue) stopKill() {
	q.mu.Lock()
	if q.kill != nil {
		q.kill.Stop()
	}
	q.mu.Unlock()
}
