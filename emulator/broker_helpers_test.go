package emulator_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// raw is a byte-level MQTT client, for outcomes paho hides or refuses to
// produce (QoS 2 PUBLISH on MQTT 5, no ack at all, DISCONNECT codes).
type raw struct {
	t testing.TB
	c net.Conn
	r *bufio.Reader
	v byte
}

// dialRaw connects and sends CONNECT (edited by edit) and returns the
// client and the CONNACK (or the read error if none came).
func dialRaw(tb testing.TB, addr string, v byte, id string, edit func(*packets.Packet)) (*raw, packets.Packet, error) {
	tb.Helper()
	return dialRawVia(tb, &net.Dialer{}, addr, v, id, edit)
}

// dialRawVia is dialRaw through a dialer of the caller's (a source
// address of its own, say).
func dialRawVia(tb testing.TB, d *net.Dialer, addr string, v byte, id string, edit func(*packets.Packet)) (*raw, packets.Packet, error) {
	tb.Helper()
	c, err := d.DialContext(context.Background(), "tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	r := &raw{t: tb, c: c, r: bufio.NewReader(c), v: v}
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}, ProtocolVersion: v,
		Connect: packets.ConnectParams{ProtocolName: []byte("MQTT"), Clean: true, Keepalive: 60, ClientIdentifier: id}}
	if edit != nil {
		edit(&pk)
	}
	r.send(pk)
	ack, err := r.next(wait)
	return r, ack, err
}

func (r *raw) send(pk packets.Packet) {
	r.t.Helper()
	pk.ProtocolVersion = r.v
	var buf bytes.Buffer
	var err error
	switch pk.FixedHeader.Type {
	case packets.Connect:
		err = pk.ConnectEncode(&buf)
	case packets.Publish:
		err = pk.PublishEncode(&buf)
	case packets.Subscribe:
		err = pk.SubscribeEncode(&buf)
	case packets.Puback:
		err = pk.PubackEncode(&buf)
	case packets.Pingreq:
		err = pk.PingreqEncode(&buf)
	case packets.Disconnect:
		err = pk.DisconnectEncode(&buf)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.c.Write(buf.Bytes()); err != nil {
		r.t.Fatalf("write: %v", err)
	}
}

// next reads one packet; an error means the connection closed (or timeout).
func (r *raw) next(timeout time.Duration) (packets.Packet, error) {
	_ = r.c.SetReadDeadline(time.Now().Add(timeout))
	var fh packets.FixedHeader
	b, err := r.r.ReadByte()
	if err != nil {
		return packets.Packet{}, err
	}
	if err := fh.Decode(b); err != nil {
		return packets.Packet{}, err
	}
	n, _, err := packets.DecodeLength(r.r)
	if err != nil {
		return packets.Packet{}, err
	}
	fh.Remaining = n
	body := make([]byte, n)
	if _, err := ioReadFull(r.r, body); err != nil {
		return packets.Packet{}, err
	}
	pk := packets.Packet{FixedHeader: fh, ProtocolVersion: r.v}
	switch fh.Type {
	case packets.Connack:
		err = pk.ConnackDecode(body)
	case packets.Publish:
		err = pk.PublishDecode(body)
	case packets.Puback:
		err = pk.PubackDecode(body)
	case packets.Suback:
		err = pk.SubackDecode(body)
	case packets.Disconnect:
		err = pk.DisconnectDecode(body)
	}
	return pk, err
}

func ioReadFull(r *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// expectClosed checks that the next thing the broker does is close the
// connection (an MQTT 5 client may first get DISCONNECT with code, which is
// returned; -1 for none).
func (r *raw) expectClosed() int {
	r.t.Helper()
	code := -1
	for {
		pk, err := r.next(wait)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				r.t.Fatalf("connection still open after %v", wait)
			}
			return code
		}
		if pk.FixedHeader.Type != packets.Disconnect {
			r.t.Fatalf("got packet type %d, want the connection closed", pk.FixedHeader.Type)
		}
		code = int(pk.ReasonCode)
	}
}

func publishPacket(topic string, qos byte, retain bool, payload []byte) packets.Packet {
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: qos, Retain: retain}, TopicName: topic, Payload: payload}
	if qos > 0 {
		pk.PacketID = 7
	}
	return pk
}

func subscribePacket(qos byte, filters ...string) packets.Packet {
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, PacketID: 9}
	for _, f := range filters {
		pk.Filters = append(pk.Filters, packets.Subscription{Filter: f, Qos: qos})
	}
	return pk
}

// recorder records, in publish order, every message on the filters given,
// observed in-process (inline subscriptions run on the publishing goroutine).
type recorder struct {
	mu   sync.Mutex
	msgs []emulator.Message
	ch   chan struct{}
}

func record(t *testing.T, emu *testkit.Emulator, filters ...string) *recorder {
	t.Helper()
	rec := &recorder{ch: make(chan struct{}, 1024)}
	for _, f := range filters {
		unsub, err := emu.Server().Subscribe(f, func(m emulator.Message) {
			rec.mu.Lock()
			rec.msgs = append(rec.msgs, m)
			rec.mu.Unlock()
			select {
			case rec.ch <- struct{}{}:
			default:
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(unsub)
	}
	return rec
}

// waitFor waits until a recorded message's topic is topic and returns all
// messages recorded up to and including it.
func (rec *recorder) waitFor(t *testing.T, topic string) []emulator.Message {
	t.Helper()
	var out []emulator.Message
	testkit.Eventually(t, wait, func() error {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for i, m := range rec.msgs {
			if m.Topic == topic {
				out = append([]emulator.Message(nil), rec.msgs[:i+1]...)
				return nil
			}
		}
		return errors.New("no message on " + topic)
	})
	return out
}

// event decodes a lifecycle event.
func event(t *testing.T, m emulator.Message) map[string]any {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(m.Payload, &ev); err != nil {
		t.Fatalf("event %s: %v", m.Topic, err)
	}
	return ev
}

// stillServing checks the broker still serves other clients.
func stillServing(t *testing.T, emu *testkit.Emulator) {
	t.Helper()
	id := "bystander-" + t.Name()
	if len(id) > 100 {
		id = id[:100]
	}
	c := emu.Connect(t, id)
	in := c.Subscribe(t, "alive/check", 1)
	c.Publish(t, "alive/check", 1, false, []byte("ok"))
	if got := in.Next(t, wait); string(got.Payload) != "ok" {
		t.Fatalf("broker not serving: got %q", got.Payload)
	}
	c.Disconnect()
}

var errShort = errors.New("not all messages yet")

func encode(t *testing.T, pk packets.Packet) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := pk.ConnectEncode(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
