package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// FuzzMQTTPackets: any bytes a client writes to the broker's MQTT listener,
// raw or after a valid CONNECT (MQTT 3.1.1 or 5), neither crash the
// emulator nor hold the connection: once the client has sent its bytes
// and half-closed, the broker ends the connection (after answering, or
// not) within a bound. A bystander client, connected and subscribed for
// the whole run, still gets its own messages (checked every
// fuzzBystanderEvery execs): no input breaks the broker for others.
func FuzzMQTTPackets(f *testing.F) {
	for _, s := range fuzzMQTTSeeds {
		f.Add(s.mode, s.data)
	}
	srv := startFuzzServer(f, Config{})
	by := newFuzzBystander(f, srv.MQTTAddr())
	execs := 0
	f.Fuzz(func(t *testing.T, mode uint8, data []byte) {
		execs++
		countExec("FuzzMQTTPackets")
		id := fmt.Sprintf("fuzz-%d", execs)
		stream := data
		switch mode % 3 {
		case 1:
			stream = append(connectPacket(4, id), data...)
		case 2:
			stream = append(connectPacket(5, id), data...)
		}
		if err := sendAndDrain(srv.MQTTAddr(), stream); err != nil {
			t.Fatalf("mode %d, %q: %v", mode%3, data, err)
		}
		if execs%fuzzBystanderEvery == 0 {
			if err := by.check(); err != nil {
				t.Fatalf("after mode %d, %q: %v", mode%3, data, err)
			}
			if err := srv.Reset(t.Context(), AreaRetained); err != nil {
				t.Fatalf("reset: %v", err)
			}
		}
	})
}

const (
	fuzzMQTTBound      = 5 * time.Second
	fuzzBystanderEvery = 200
)

// sendAndDrain writes stream on a new connection, half-closes it and reads
// what the broker answers until it ends the connection.
func sendAndDrain(addr string, stream []byte) error {
	c, err := net.DialTimeout("tcp", addr, fuzzMQTTBound)
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer func() { _ = c.Close() }()
	_ = c.SetDeadline(time.Now().Add(fuzzMQTTBound))
	wrote := make(chan struct{})
	go func() { // the broker may stop reading before the end: reads go on meanwhile
		defer close(wrote)
		if _, err := c.Write(stream); err == nil { // a refused write (the broker closed first) is an answer too
			_ = c.(*net.TCPConn).CloseWrite() // fails only once the broker closed: an answer too
		}
	}()
	_, err = io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("the connection neither ended nor answered within %s", fuzzMQTTBound)
	}
	<-wrote
	return nil
}

// connectPacket is a valid CONNECT, clean session, keep-alive 60 s.
func connectPacket(version byte, id string) []byte {
	body := []byte{0, 4, 'M', 'Q', 'T', 'T', version, 0x02, 0, 60}
	if version == 5 {
		body = append(body, 0) // no properties
	}
	body = append(body, byte(len(id)>>8), byte(len(id)))
	body = append(body, id...)
	return append([]byte{0x10, byte(len(body))}, body...)
}

// fuzzBystander is a paho client that only talks to itself.
type fuzzBystander struct {
	c     paho.Client
	topic string
	got   chan string
	n     int
}

func newFuzzBystander(tb testing.TB, addr string) *fuzzBystander {
	tb.Helper()
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	b := &fuzzBystander{topic: "bystander/" + hex.EncodeToString(nonce), got: make(chan string, 16)}
	opts := paho.NewClientOptions().AddBroker("tcp://" + addr).SetClientID("bystander-" + hex.EncodeToString(nonce)).
		SetAutoReconnect(false).SetConnectRetry(false).SetKeepAlive(60 * time.Second)
	b.c = paho.NewClient(opts)
	if tok := b.c.Connect(); !tok.WaitTimeout(fuzzMQTTBound) || tok.Error() != nil {
		tb.Fatalf("bystander connect: %v", tok.Error())
	}
	tb.Cleanup(func() { b.c.Disconnect(0) })
	tok := b.c.Subscribe(b.topic, 1, func(_ paho.Client, m paho.Message) {
		select {
		case b.got <- string(m.Payload()):
		default:
		}
	})
	if !tok.WaitTimeout(fuzzMQTTBound) || tok.Error() != nil {
		tb.Fatalf("bystander subscribe: %v", tok.Error())
	}
	return b
}

// check publishes a message of its own and waits for it.
func (b *fuzzBystander) check() error {
	if !b.c.IsConnectionOpen() {
		return errors.New("the bystander was disconnected")
	}
	b.n++
	want := fmt.Sprintf("check %d", b.n)
	tok := b.c.Publish(b.topic, 1, false, want)
	if !tok.WaitTimeout(fuzzMQTTBound) {
		return fmt.Errorf("bystander publish: no PUBACK within %s", fuzzMQTTBound)
	}
	if err := tok.Error(); err != nil {
		return fmt.Errorf("bystander publish: %w", err)
	}
	deadline := time.After(fuzzMQTTBound)
	for {
		select {
		case got := <-b.got:
			if got == want {
				return nil
			}
		case <-deadline:
			return fmt.Errorf("the bystander did not get its message within %s", fuzzMQTTBound)
		}
	}
}

// pkt is one packet: its first byte, its remaining length, its body.
func pkt(first byte, body ...byte) []byte {
	return append([]byte{first, byte(len(body))}, body...)
}

func str(s string) []byte { return append([]byte{byte(len(s) >> 8), byte(len(s))}, s...) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// fuzzMQTTSeeds: CONNECTs, PUBLISH at each QoS, SUBSCRIBE with
// wildcards and MQTT 5 options, a reserved topic, PINGREQ, DISCONNECT,
// malformed lengths and property blocks.
var fuzzMQTTSeeds = []struct {
	mode uint8
	data []byte
}{
	{0, connectPacket(4, "raw311")},
	{0, connectPacket(5, "raw5")},
	{0, pkt(0x10, cat(str("MQTT"), []byte{5, 0x02, 0, 60, 0x05, 0x11, 0, 0})...)},                    // truncated property block
	{0, []byte{0x10, 0xff, 0xff, 0xff, 0xff, 0x7f}},                                                  // malformed remaining length
	{0, pkt(0x10, cat(str("MQIsdp"), []byte{3, 0x02, 0, 60}, str("old"))...)},                        // MQTT 3.1
	{0, pkt(0x10, cat(str("MQTT"), []byte{4, 0x2e, 0, 60}, str("w"), str("will/t"), str("bye"))...)}, // a Will, QoS 1, retained
	{1, pkt(0x30, cat(str("a/b"), []byte("hi"))...)},                                                 // QoS 0 PUBLISH
	{1, pkt(0x32, cat(str("a/b"), []byte{0, 1}, []byte("hi"))...)},                                   // QoS 1 PUBLISH
	{1, pkt(0x34, cat(str("a/b"), []byte{0, 2}, []byte("hi"))...)},                                   // QoS 2 PUBLISH (silence on 3.1.1)
	{1, pkt(0x31, cat(str("r/t"), []byte("on"))...)},                                                 // retained
	{1, pkt(0x31, str("r/t")...)},                                                                    // retained, empty: delete
	{1, pkt(0x82, cat([]byte{0, 1}, str("#"), []byte{1})...)},                                        // SUBSCRIBE #
	{1, pkt(0x82, cat([]byte{0, 2}, str("$aws/things/+/shadow/#"), []byte{1}, str("a/+"), []byte{0})...)},
	{1, pkt(0xa2, cat([]byte{0, 3}, str("#"))...)}, // UNSUBSCRIBE
	{1, cat(pkt(0xc0), pkt(0xe0))},                 // PINGREQ, DISCONNECT
	{1, connectPacket(4, "again")},                 // a second CONNECT
	{1, pkt(0x32, cat(str("$aws/things/lamp/shadow/update"), []byte{0, 4}, []byte(`{"state":{"reported":{"on":1}}}`))...)},
	{2, pkt(0x32, cat(str("a/b"), []byte{0, 1}, []byte{3, 0x23, 0, 1}, []byte("x"))...)},      // topic alias
	{2, pkt(0x32, cat(str(""), []byte{0, 1}, []byte{3, 0x23, 0, 1}, []byte("x"))...)},         // alias use without a topic
	{2, pkt(0x82, cat([]byte{0, 1}, []byte{0}, str("#"), []byte{0x2d})...)},                   // options: RH 2, RAP, NL
	{2, pkt(0x82, cat([]byte{0, 1}, []byte{2, 0x0b, 7}, str("$share/g/a"), []byte{1})...)},    // subscription identifier, shared
	{2, pkt(0x30, cat(str("$aws/rules/r1/x"), []byte{0}, []byte("{}"))...)},                   // basic ingest
	{2, pkt(0x32, cat(str("a/b"), []byte{0, 1}, []byte{4, 0x26, 0, 9, 'k'}, []byte("p"))...)}, // truncated user property
	{2, pkt(0xe0, 0x04, 0x00)},                                                                // DISCONNECT with Will
}
