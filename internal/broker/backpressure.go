package broker

import (
	"reflect"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Backpressure. mochi queues each delivery on the subscriber's outbound
// channel, then in its sendQueue (outbound.go), and either drops it when
// full, so a burst of QoS 0
// publishes loses messages even to a subscriber that reads as fast as its
// socket allows (issue 12: 4 × 25,000 messages, 80% delivered). Instead,
// a publisher delivering to a subscriber whose queue is three-quarters full
// waits for it to drain, up to backpressureWait per delivery. A subscriber
// whose full queue has not shrunk for stallAfter has stopped reading: it is
// marked stalled and gets no more waits (its messages are dropped, counted
// and logged) until its queue drains again, so a stuck client holds
// publishers back once, for about stallAfter, and never again while stuck.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt-qos ("Sent zero or more
// times"); docs/compatibility.md "Backpressure".

const (
	// backpressureWait bounds one wait for a subscriber's socket to take
	// its queued bytes.
	backpressureWait = 5 * time.Millisecond
	// channelWait bounds one wait for mochi's writer to drain a
	// subscriber's packet channel into its byte queue: CPU work of this
	// process, which a loaded machine may delay for tens of milliseconds,
	// never a client's doing.
	channelWait = 100 * time.Millisecond
	// backpressureStep is how often a waiting publisher looks again.
	backpressureStep = 50 * time.Microsecond
	// stallAfter is how long a full queue must go without shrinking before
	// its subscriber counts as stopped: long enough for a reading
	// subscriber's writer to be scheduled on a loaded machine (-race, two
	// cores shared by many test runs), short enough that publishers are held
	// back once, briefly.
	stallAfter = 250 * time.Millisecond
)

// outboundIndex locates mochi's unexported per-client outbound queue, whose
// length no exported API reports; TestOutboundQueueVisible keeps this
// honest across mochi upgrades.
var outboundIndex = func() []int {
	f, ok := reflect.TypeFor[mqtt.ClientState]().FieldByName("outbound")
	if !ok || f.Type.Kind() != reflect.Chan {
		return nil
	}
	return f.Index
}()

// outboundQueue returns the length and capacity of a client's outbound
// queue (0, 0 if mochi's layout changed).
func outboundQueue(cl *mqtt.Client) (n, capacity int) {
	if outboundIndex == nil {
		return 0, 0
	}
	q := reflect.ValueOf(&cl.State).Elem().FieldByIndex(outboundIndex)
	return q.Len(), q.Cap()
}

// congestion reports whether a client's queues are three-quarters full:
// mochi's packet channel (its writer, on this process's CPU, is behind) or
// the bytes of its sendQueue (the client's socket takes less than it is
// sent); and the progress so far: packets still in the channel and bytes
// written.
func congestion(c *conn) (channel, bytes bool, pending int, written int64) {
	n, capacity := outboundQueue(c.cl)
	channel = n >= capacity*3/4
	if c.bc != nil {
		queued, limit, w := c.bc.out.level()
		bytes, written = queued >= limit*3/4, w
	}
	return channel, bytes, n, written
}

// backpressure runs on the publisher's goroutine before mochi queues a
// delivery to c. Only a client whose socket stops taking bytes can be
// marked stalled: a congested channel means mochi's writer is behind on a
// loaded machine, and publishers wait for it (up to channelWait).
func (s *Broker) backpressure(c *conn) {
	channel, bytes, n, written := congestion(c)
	if !channel && !bytes {
		if c.stalled.Load() || c.stuckSince.Load() != 0 {
			c.stalled.Store(false)
			c.stuckSince.Store(0)
		}
		return
	}
	if c.stalled.Load() {
		return // stopped reading: its queue drops the message (countDrop)
	}
	wait := backpressureWait
	if !bytes {
		wait = channelWait
	}
	startN, startW, deadline := n, written, time.Now().Add(wait)
	for (channel || bytes) && time.Now().Before(deadline) {
		time.Sleep(backpressureStep)
		channel, bytes, n, written = congestion(c)
	}
	if n < startN || written > startW || !bytes {
		c.stuckSince.Store(0) // draining, or only mochi's writer behind: a reading subscriber
		return
	}
	now := time.Now().UnixNano()
	since := c.stuckSince.Load()
	if since == 0 {
		c.stuckSince.CompareAndSwap(0, now)
		return
	}
	if time.Duration(now-since) >= stallAfter && c.stalled.CompareAndSwap(false, true) {
		s.log.Warn("subscriber stopped reading; its messages are dropped until it drains",
			"client", c.id, "queued", n)
	}
}

// watchQueue makes a connection's sendQueue end the connection when the
// client cannot keep up: THROTTLED past the bound, CONNECTION_LOST when a
// write times out.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect
// (THROTTLED: "The client is disconnected for exceeding a throttling
// limit"); MQTT 5 DISCONNECT 0x97 Quota exceeded:
// https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt5-reason-codes
func (s *Broker) watchQueue(cl *mqtt.Client, bc *brokerConn) {
	id := cl.ID
	bc.id.Store(&id)
	bc.out.onEnd(func() {
		s.log.Warn("client disconnected: its outbound queue is full (it stopped reading)", "client", id,
			"reason", reasonThrottled)
		s.endConnection(cl, reasonThrottled, packets.ErrQuotaExceeded)
	}, func(err error) {
		s.log.Warn("client disconnected: a write to it failed or timed out", "client", id, "error", err)
		if c := s.conns.get(cl); c != nil {
			c.setReason(reasonConnectionLost)
		}
		cl.Stop(err)
	})
}

// dropCounter counts deliveries mochi dropped because a subscriber's queue
// was full, logging the 1st, 2nd, 4th, 8th... drop.
type dropCounter struct{ n atomic.Int64 }

func (s *Broker) onPublishDropped(cl *mqtt.Client, pk packets.Packet) {
	s.countDrop(cl.ID, pk.TopicName)
}

// countDrop counts a QoS 0 delivery dropped because the subscriber's queue
// (mochi's channel or its sendQueue) was full.
func (s *Broker) countDrop(client, topic string) {
	if n := s.drops.n.Add(1); n&(n-1) == 0 {
		s.log.Warn("delivery dropped: subscriber's queue full", "client", client, "topic", truncate(topic), "dropped", n)
	}
}

// DroppedDeliveries returns how many deliveries were dropped because a
// subscriber stopped reading (its queue was full).
func (s *Broker) DroppedDeliveries() int64 { return s.drops.n.Load() }
