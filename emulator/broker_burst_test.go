package emulator_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/testkit"
)

// burstWait bounds a burst test: generous for -race on a shared machine.
const burstWait = 90 * time.Second

// blaster is a raw MQTT 3.1.1 publisher writing pre-encoded QoS 0
// PUBLISHes as fast as the socket takes them.
func blaster(tb testing.TB, addr, id string) net.Conn {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	var buf bytes.Buffer
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}, ProtocolVersion: 4,
		Connect: packets.ConnectParams{ProtocolName: []byte("MQTT"), Clean: true, Keepalive: 60, ClientIdentifier: id}}
	if err := pk.ConnectEncode(&buf); err != nil {
		tb.Fatal(err)
	}
	if _, err := c.Write(buf.Bytes()); err != nil {
		tb.Fatal(err)
	}
	ack := make([]byte, 4)
	_ = c.SetReadDeadline(time.Now().Add(wait))
	if _, err := io.ReadFull(c, ack); err != nil || ack[0] != 0x20 || ack[3] != 0 {
		tb.Fatalf("CONNACK % x: %v", ack, err)
	}
	return c
}

// publishes encodes n QoS 0 PUBLISHes of size bytes on topic.
func publishes(tb testing.TB, topic string, n, size int) []byte {
	tb.Helper()
	var one bytes.Buffer
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish}, ProtocolVersion: 4,
		TopicName: topic, Payload: bytes.Repeat([]byte{'x'}, size)}
	if err := pk.PublishEncode(&one); err != nil {
		tb.Fatal(err)
	}
	return bytes.Repeat(one.Bytes(), n)
}

// counter is a raw MQTT 3.1.1 subscriber counting the PUBLISHes it reads.
type counter struct {
	n    atomic.Int64
	done chan struct{}
}

func subscribeCounter(tb testing.TB, addr, id, filter string) *counter {
	tb.Helper()
	c, r := rawSubscribe(tb, addr, id, filter, 0)
	cnt := &counter{done: make(chan struct{})}
	go func() { // ends when the test closes the connection
		defer close(cnt.done)
		for {
			b, err := r.ReadByte()
			if err != nil {
				return
			}
			n, _, err := packets.DecodeLength(r)
			if err != nil {
				return
			}
			if _, err := r.Discard(n); err != nil {
				return
			}
			if b>>4 == packets.Publish {
				cnt.n.Add(1)
			}
		}
	}()
	tb.Cleanup(func() { _ = c.Close(); <-cnt.done })
	return cnt
}

// rawSubscribe connects a raw MQTT 3.1.1 client, subscribes it to filter
// at qos and reads its SUBACK (which must grant qos); it returns the
// connection and its reader, positioned after the SUBACK.
func rawSubscribe(tb testing.TB, addr, id, filter string, qos byte) (net.Conn, *bufio.Reader) {
	tb.Helper()
	c := blaster(tb, addr, id)
	var buf bytes.Buffer
	sub := subscribePacket(qos, filter)
	sub.ProtocolVersion = 4
	if err := sub.SubscribeEncode(&buf); err != nil {
		tb.Fatal(err)
	}
	if _, err := c.Write(buf.Bytes()); err != nil {
		tb.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Time{})
	r := bufio.NewReaderSize(c, 64*1024)
	if head, err := r.Peek(5); err != nil || head[0] != 0x90 || head[4] != qos {
		tb.Fatalf("SUBACK % x: %v", head, err)
	}
	_, _ = r.Discard(5)
	return c, r
}

// blast has each publisher write its packets, in 64 KiB writes.
func blast(tb testing.TB, pubs []net.Conn, data []byte) {
	tb.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(pubs))
	for _, p := range pubs {
		wg.Go(func() {
			_ = p.SetWriteDeadline(time.Now().Add(burstWait))
			for rest := data; len(rest) > 0; {
				chunk := rest[:min(len(rest), 64*1024)]
				if _, err := p.Write(chunk); err != nil {
					errs <- err
					return
				}
				rest = rest[len(chunk):]
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatalf("publisher: %v", err)
	}
}

// waitCount waits until the counter reaches want.
func waitCount(tb testing.TB, cnt *counter, want int64, dropped func() int64) {
	tb.Helper()
	testkit.Eventually(tb, burstWait, func() error {
		if got := cnt.n.Load(); got < want {
			return fmt.Errorf("%d of %d delivered (%d dropped)", got, want, dropped())
		}
		return nil
	})
}

// TestQoS0BurstReachesReadingSubscriber: 4 publishers × 25,000 QoS 0
// messages to one connected, reading subscriber all arrive (mochi alone
// dropped about 20% of them when the subscriber's queue filled).
func TestQoS0BurstReachesReadingSubscriber(t *testing.T) {
	emu := testkit.Start(t)
	addr := emu.Server().MQTTAddr()
	const pubs, each = 4, 25000
	cnt := subscribeCounter(t, addr, "burst-sub", "burst/t")
	var conns []net.Conn
	for i := range pubs {
		conns = append(conns, blaster(t, addr, fmt.Sprintf("burst-pub-%d", i)))
	}
	blast(t, conns, publishes(t, "burst/t", each, 32))
	waitCount(t, cnt, pubs*each, emu.Server().DroppedDeliveries)
	if d := emu.Server().DroppedDeliveries(); d != 0 {
		t.Fatalf("%d deliveries dropped to a reading subscriber", d)
	}
}

// TestStuckSubscriberDoesNotStallPublishers: a subscriber that stops
// reading loses QoS 0 messages (counted) while the publisher keeps its
// pace and a reading subscriber of the same topic gets every message.
func TestStuckSubscriberDoesNotStallPublishers(t *testing.T) {
	logs := &captured{}
	emu := testkit.Start(t, testkit.WithLogger(slog.New(logs)))
	addr := emu.Server().MQTTAddr()
	const n = 20000
	stuck := blaster(t, addr, "stuck-sub")
	var buf bytes.Buffer
	sub := subscribePacket(0, "stuck/t")
	sub.ProtocolVersion = 4
	if err := sub.SubscribeEncode(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := stuck.Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	if ack := readPacket(t, stuck); ack[0] != 0x90 {
		t.Fatalf("SUBACK % x", ack)
	}
	// From here the stuck subscriber reads nothing.
	reader := subscribeCounter(t, addr, "reading-sub", "stuck/t")
	pub := blaster(t, addr, "stuck-pub")
	start := time.Now()
	blast(t, []net.Conn{pub}, publishes(t, "stuck/t", n, 1024))
	waitCount(t, reader, n, emu.Server().DroppedDeliveries)
	elapsed := time.Since(start)
	dropped := emu.Server().DroppedDeliveries()
	if dropped == 0 {
		t.Fatalf("no delivery dropped to the stuck subscriber in %v", elapsed)
	}
	if got := logs.matching("subscriber stopped reading", "client=stuck-sub"); len(got) == 0 {
		t.Fatalf("no warning about the stuck subscriber; logs %q", logs.matching(""))
	}
	// Each stall costs the publisher at most one bounded wait, not one per
	// message: 20,000 waits of 5 ms would take 100 s.
	if elapsed > burstWait/2 {
		t.Fatalf("publishing took %v with a stuck subscriber", elapsed)
	}
	t.Logf("%d messages in %v, %d dropped to the stuck subscriber", n, elapsed, dropped)
}
