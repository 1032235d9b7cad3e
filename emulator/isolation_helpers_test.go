package emulator_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/testkit"
)

// Isolation (issue 13): while one client misbehaves, a bystander keeps
// being served. The probe asserts, several times during an attack, that
// a QoS 1 publisher gets its PUBACK, a new connection its SUBACK, and an
// HTTP publish its answer within isolationBound each, and that the
// bystander receives the HTTP message within isolationBound too.

// isolationBound is the "within a second".
const isolationBound = time.Second

// probeAttempts is how many probes an attack gets: each must pass within
// isolationBound; a probe slower than that is retried once, so that one
// scheduling hiccup of a loaded -race machine does not fail the test, but
// two slow probes in a row do (the stalls this guards against last for
// the whole attack: tens of seconds).
const probeAttempts = 3

type isoBystander struct {
	emu   *testkit.Emulator
	inbox *testkit.Inbox
	pub   *testkit.Client
	topic string // where the publisher publishes: the attacked topic
	seq   atomic.Int64
}

// newBystander connects a subscriber of bystander/hb and a publisher to
// topic.
func newBystander(t *testing.T, emu *testkit.Emulator, topic string) *isoBystander {
	t.Helper()
	sub := emu.Connect(t, "bystander-sub")
	b := &isoBystander{emu: emu, inbox: sub.Subscribe(t, "bystander/hb", 1),
		pub: emu.Connect(t, "bystander-pub"), topic: topic}
	b.check(t) // healthy before the attack
	return b
}

// check runs probeAttempts probes; each may be retried once.
func (b *isoBystander) check(t *testing.T) {
	t.Helper()
	for range probeAttempts {
		if err := b.probe(t); err != nil {
			if err2 := b.probe(t); err2 != nil {
				t.Fatalf("bystander not served: %v; again: %v", err, err2)
			}
			t.Logf("slow probe (passed on retry): %v", err)
		}
	}
}

func (b *isoBystander) probe(t *testing.T) error {
	t.Helper()
	start := time.Now()
	tok := b.pub.Paho().Publish(b.topic, 1, false, []byte("bystander"))
	if !tok.WaitTimeout(isolationBound) || tok.Error() != nil {
		return fmt.Errorf("QoS 1 PUBACK on %s not within %v: %w", b.topic, isolationBound, tok.Error())
	}
	pubAck := time.Since(start)

	start = time.Now()
	id := "bystander-new-" + strconv.FormatInt(b.seq.Add(1), 10)
	c, _, err := dialRaw(t, b.emu.Server().MQTTAddr(), 4, id, nil)
	if err != nil {
		return fmt.Errorf("new connection: no CONNACK: %w", err)
	}
	c.send(subscribePacket(1, "bystander/new"))
	if ack, err := c.next(isolationBound); err != nil || ack.FixedHeader.Type != packets.Suback {
		return fmt.Errorf("new connection: no SUBACK within %v: %w", isolationBound, err)
	}
	_ = c.c.Close()
	if d := time.Since(start); d > isolationBound {
		return fmt.Errorf("new connection took %v", d)
	}

	start = time.Now()
	payload := "hb-" + strconv.FormatInt(b.seq.Add(1), 10)
	cl := http.Client{Timeout: isolationBound}
	resp, err := cl.Post(b.emu.Server().HTTPURL()+"/topics/bystander%2Fhb?qos=1", "application/octet-stream",
		bytes.NewReader([]byte(payload)))
	if err != nil {
		return fmt.Errorf("HTTP publish: %w", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP publish: %s", resp.Status)
	}
	for {
		left := isolationBound - time.Since(start)
		m, ok := b.inbox.Wait(max(left, 0))
		if !ok {
			return fmt.Errorf("heartbeat %s not received within %v (PUBACK took %v)", payload, isolationBound, pubAck)
		}
		if string(m.Payload) == payload {
			return nil
		}
	}
}

// heapInUse returns the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// stuckClient connects a raw MQTT 3.1.1 client with a small receive
// buffer, subscribes to filter at qos and then reads nothing more.
func stuckClient(t *testing.T, addr, id, filter string, qos byte) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		if err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		}); err != nil {
			return err
		}
		return serr
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	r := &raw{t: t, c: c, v: 4}
	r.r = bufio.NewReader(c)
	r.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect},
		Connect: packets.ConnectParams{ProtocolName: []byte("MQTT"), Clean: true, Keepalive: 1200, ClientIdentifier: id}})
	if ack, err := r.next(wait); err != nil || ack.FixedHeader.Type != packets.Connack {
		t.Fatalf("stuck client CONNACK: %v", err)
	}
	r.send(subscribePacket(qos, filter))
	if ack, err := r.next(wait); err != nil || ack.FixedHeader.Type != packets.Suback {
		t.Fatalf("stuck client SUBACK: %v", err)
	}
	return c
}

// asNetError reports whether err is a net.Error, setting *ne.
func asNetError(err error, ne *net.Error) bool { return errors.As(err, ne) }
