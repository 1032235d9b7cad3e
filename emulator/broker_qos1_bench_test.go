package emulator_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"
)

// BenchmarkQoS1Burst is BenchmarkQoS0Burst at QoS 1: 4 raw publishers ×
// 25,000 QoS 1 messages of 32 bytes, each publisher with at most 50
// unacknowledged (under AWS's Receive Maximum of 100), to one subscriber
// at QoS 1 that acknowledges every delivery, through iotemu, a bare mochi
// broker and mosquitto (its defaults, and with queues raised) in the same
// run. Reported: the share delivered and the delivery rate
// (docs/benchmarks.md).
func BenchmarkQoS1Burst(b *testing.B) {
	for _, br := range burstBrokers {
		b.Run(br.name, func(b *testing.B) { benchBurstQoS1(b, br.start(b)) })
	}
}

func benchBurstQoS1(b *testing.B, addr string) {
	b.Helper()
	const pubs, each, window = 4, 25000, 50
	payload := bytes.Repeat([]byte{'x'}, 32)
	var delivered, total int64
	var elapsed time.Duration
	for i := 0; b.Loop(); i++ {
		cnt := subscribeAcking(b, addr, fmt.Sprintf("qsub-%d", i), "burst/q")
		var conns []net.Conn
		for p := range pubs {
			conns = append(conns, blaster(b, addr, fmt.Sprintf("qpub-%d-%d", i, p)))
		}
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, pubs)
		for _, c := range conns {
			wg.Go(func() {
				if err := publishQoS1(c, "burst/q", payload, each, window); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatalf("publisher: %v", err)
		}
		got, end := settle(cnt, pubs*each)
		elapsed += end.Sub(start)
		delivered, total = delivered+got, total+pubs*each
		for _, c := range conns {
			_ = c.Close()
		}
	}
	b.ReportMetric(100*float64(delivered)/float64(total), "%delivered")
	b.ReportMetric(0, "ns/op") // dominated by the settling wait; the rate says it
	b.ReportMetric(float64(delivered)/elapsed.Seconds(), "msgs/s")
}

// publishQoS1 writes n QoS 1 PUBLISHes of payload on topic to c (a
// connected MQTT 3.1.1 client), at most window unacknowledged, and returns
// when every one was acknowledged. Publishes that the window allows are
// written together, as a client library's buffered writer would.
func publishQoS1(c net.Conn, topic string, payload []byte, n, window int) error {
	_ = c.SetDeadline(time.Now().Add(burstWait))
	credit := make(chan struct{}, window)
	for range window {
		credit <- struct{}{}
	}
	acked := make(chan error, 1)
	go func() { // ends at the last PUBACK or the connection's error
		r := bufio.NewReader(c)
		for got := 0; got < n; {
			head, err := r.ReadByte()
			if err != nil {
				acked <- fmt.Errorf("after %d PUBACKs: %w", got, err)
				return
			}
			size, _, err := packets.DecodeLength(r)
			if err == nil {
				_, err = r.Discard(size)
			}
			if err != nil {
				acked <- fmt.Errorf("after %d PUBACKs: %w", got, err)
				return
			}
			if head>>4 == packets.Puback {
				got++
				credit <- struct{}{}
			}
		}
		acked <- nil
	}()
	var buf []byte
	id := uint16(0)
	for sent := 0; sent < n; {
		select {
		case <-credit:
		case err := <-acked:
			return fmt.Errorf("publisher stopped after %d publishes: %w", sent, err)
		}
		buf = buf[:0]
		for k := 1; ; k++ {
			id = id%65535 + 1 // never 0; at most window IDs are in use
			buf = appendQoS1Publish(buf, topic, id, payload)
			sent++
			if sent == n || k == window || !takeCredit(credit) {
				break
			}
		}
		if _, err := c.Write(buf); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	return <-acked
}

// takeCredit takes one unit of credit if there is one.
func takeCredit(credit chan struct{}) bool {
	select {
	case <-credit:
		return true
	default:
		return false
	}
}

// appendQoS1Publish appends an MQTT 3.1.1 QoS 1 PUBLISH.
func appendQoS1Publish(buf []byte, topic string, id uint16, payload []byte) []byte {
	buf = append(buf, 0x32)
	for rest := 2 + len(topic) + 2 + len(payload); ; {
		b := byte(rest % 128)
		if rest /= 128; rest > 0 {
			buf = append(buf, b|0x80)
			continue
		}
		buf = append(buf, b)
		break
	}
	buf = append(buf, byte(len(topic)>>8), byte(len(topic)))
	buf = append(buf, topic...)
	buf = append(buf, byte(id>>8), byte(id))
	return append(buf, payload...)
}

// subscribeAcking is subscribeCounter at QoS 1: the subscriber acknowledges
// each QoS 1 PUBLISH it reads (its PUBACKs flushed whenever it has read
// everything that arrived).
func subscribeAcking(tb testing.TB, addr, id, filter string) *counter {
	tb.Helper()
	c, r := rawSubscribe(tb, addr, id, filter, 1)
	w := bufio.NewWriterSize(c, 16*1024)
	cnt := &counter{done: make(chan struct{})}
	go func() { // ends when the test closes the connection
		defer close(cnt.done)
		body := make([]byte, 0, 1024)
		for {
			if r.Buffered() == 0 && w.Flush() != nil {
				return
			}
			head, err := r.ReadByte()
			if err != nil {
				return
			}
			n, _, err := packets.DecodeLength(r)
			if err != nil {
				return
			}
			body = body[:0]
			if cap(body) < n {
				body = make([]byte, 0, n)
			}
			body = body[:n]
			if _, err := io.ReadFull(r, body); err != nil {
				return
			}
			if head>>4 != packets.Publish {
				continue
			}
			cnt.n.Add(1)
			if (head>>1)&3 == 1 && n >= 2 {
				at := 2 + (int(body[0])<<8 | int(body[1])) // after the topic
				if at+2 > n {
					return
				}
				if _, err := w.Write([]byte{0x40, 0x02, body[at], body[at+1]}); err != nil {
					return
				}
			}
		}
	}()
	tb.Cleanup(func() { _ = c.Close(); <-cnt.done })
	return cnt
}
