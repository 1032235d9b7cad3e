package broker

import (
	"bytes"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"
)

func encodePublish(t *testing.T, qos byte, size int) []byte {
	t.Helper()
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: qos}, ProtocolVersion: 4,
		TopicName: "q/t", Payload: bytes.Repeat([]byte{'x'}, size)}
	if qos > 0 {
		pk.PacketID = 1
	}
	var b bytes.Buffer
	if err := pk.PublishEncode(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSendQueueBound: past the bound a QoS 0 publish is dropped and
// counted, a control packet is still queued, and more than maxUnsentQoS1
// QoS 1 publishes that do not fit end the connection (throttled), even
// while a write is blocked in the socket.
func TestSendQueueBound(t *testing.T) {
	server, client := net.Pipe() // nobody reads client: every write blocks
	defer client.Close()
	var dropped atomic.Int32
	throttled := make(chan struct{})
	q := newSendQueue(server, time.Minute, 1000, queueEvents{dropped: func(topic string) {
		if topic != "q/t" {
			t.Errorf("dropped topic %q", topic)
		}
		dropped.Add(1)
	}})
	q.onEnd(func() { close(throttled) }, func(err error) { t.Errorf("write failed: %v", err) })
	big := encodePublish(t, 0, 900)
	for range 2 {
		if _, err := q.Write(big); err != nil {
			t.Fatal(err)
		}
	}
	if dropped.Load() != 1 {
		t.Fatalf("dropped %d, want the second QoS 0 publish dropped", dropped.Load())
	}
	puback := []byte{0x40, 0x02, 0x00, 0x01}
	if _, err := q.Write(puback); err != nil {
		t.Fatal(err)
	}
	if queued, _, _ := q.level(); queued != len(big)+len(puback) {
		t.Fatalf("queued %d, want %d", queued, len(big)+len(puback))
	}
	qos1 := encodePublish(t, 1, 10)
	var err error
	for i := 0; i < 10*maxUnsentQoS1 && err == nil; i++ {
		_, err = q.Write(qos1)
	}
	if err == nil {
		t.Fatal("no refusal after maxUnsentQoS1 unsent QoS 1 publishes")
	}
	select {
	case <-throttled:
	case <-time.After(10 * time.Second):
		t.Fatal("throttled not reported while a write is blocked")
	}
	start := time.Now()
	q.wait()
	if d := time.Since(start); d > 5*closeFlush {
		t.Fatalf("wait took %v", d)
	}
}

// TestSendQueueCloseFlushes: what is queued when the queue closes is
// written before the socket closes.
func TestSendQueueCloseFlushes(t *testing.T) {
	server, client := net.Pipe()
	defer client.Close()
	q := newSendQueue(server, time.Minute, 1<<20, queueEvents{})
	connack := []byte{0x20, 0x02, 0x00, 0x05}
	if _, err := q.Write(connack); err != nil {
		t.Fatal(err)
	}
	q.close()
	got := make([]byte, 8)
	_ = client.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, _ := client.Read(got)
	if !bytes.Equal(got[:n], connack) {
		t.Fatalf("read % x, want % x", got[:n], connack)
	}
	q.wait()
	if _, err := q.Write(connack); err == nil {
		t.Fatal("write after close accepted")
	}
}

// TestSplitPacket reads packet boundaries, types, QoS and topics.
func TestSplitPacket(t *testing.T) {
	p := encodePublish(t, 1, 200) // two-byte remaining length
	n, typ, qos, topic := splitPacket(append(p, 0xc0, 0x00))
	if n != len(p) || typ != packets.Publish || qos != 1 || topic != "q/t" {
		t.Fatalf("got %d %d %d %q", n, typ, qos, topic)
	}
	if n, _, _, _ := splitPacket([]byte{0x30, 0xff}); n != 2 {
		t.Fatalf("malformed: %d", n)
	}
}
