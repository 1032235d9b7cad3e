package emulator_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/testkit"
)

// BenchmarkQoS0Burst: 4 raw publishers × 25,000 QoS 0 messages of 32 bytes
// to one reading subscriber, through iotemu, a bare mochi broker and
// mosquitto (its defaults, and with queues raised) in the same run.
// Reported: the share delivered and the delivery rate
// (docs/benchmarks.md).
func BenchmarkQoS0Burst(b *testing.B) {
	for _, br := range burstBrokers {
		b.Run(br.name, func(b *testing.B) { benchBurst(b, br.start(b)) })
	}
}

// burstBrokers are the brokers of the burst benchmarks, in one run: each
// start returns a loopback MQTT address.
var burstBrokers = []struct {
	name  string
	start func(*testing.B) string
}{
	{"iotemu", startBurstIotemu},
	{"mochi", startBurstMochi},
	{"mosquitto", func(b *testing.B) string { b.Helper(); return startMosquitto(b, "") }},
	{"mosquitto-queues", func(b *testing.B) string { b.Helper(); return startMosquitto(b, mosquittoQueues) }},
}

func startBurstIotemu(b *testing.B) string {
	b.Helper()
	return testkit.Start(b, testkit.WithLogLevel(99)).Server().MQTTAddr()
}

func startBurstMochi(b *testing.B) string {
	b.Helper()
	return strings.TrimPrefix(bareMochi(b), "mqtt://")
}

// mosquittoQueues is mosquitto "configured with queues" (issue 18): its
// per-client queue of QoS 1 messages (default 1,000, past which it drops
// them) unbounded, AWS's 100 unacknowledged messages in flight to a client
// (default 20), and no persistence (its default too, said for the reader).
const mosquittoQueues = `max_queued_messages 0
max_queued_bytes 0
max_inflight_messages 100
max_inflight_bytes 0
persistence false
`

func benchBurst(b *testing.B, addr string) {
	b.Helper()
	const pubs, each = 4, 25000
	data := publishes(b, "burst/t", each, 32)
	var delivered, total int64
	var elapsed time.Duration
	for i := 0; b.Loop(); i++ {
		cnt := subscribeCounter(b, addr, fmt.Sprintf("bsub-%d", i), "burst/t")
		var conns []net.Conn
		for p := range pubs {
			conns = append(conns, blaster(b, addr, fmt.Sprintf("bpub-%d-%d", i, p)))
		}
		start := time.Now()
		blast(b, conns, data)
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

// settle waits until want messages arrived or none for a second, and
// returns the count and when the last one was seen (the idle second that
// ends a run that lost messages is not part of the rate).
func settle(cnt *counter, want int64) (int64, time.Time) {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	last, seen := int64(-1), time.Now()
	for range tick.C {
		n := cnt.n.Load()
		if n >= want {
			return n, time.Now()
		}
		if n != last {
			last, seen = n, time.Now()
		} else if time.Since(seen) > time.Second {
			break
		}
	}
	return last, seen
}

// startMosquitto runs Debian's mosquitto on a free loopback port, its
// defaults amended by extra (configuration lines); skipped when it is not
// installed, except in CI (.ci/run installs it).
func startMosquitto(b *testing.B, extra string) string {
	b.Helper()
	bin := "/usr/sbin/mosquitto"
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			b.Fatalf("%s not installed; .ci/run installs mosquitto", bin)
		}
		b.Skip("mosquitto not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // mosquitto binds it next; a lost race fails the dial below
	_, port, _ := net.SplitHostPort(addr)
	conf := filepath.Join(b.TempDir(), "mosquitto.conf")
	if err := os.WriteFile(conf, []byte("listener "+port+" 127.0.0.1\nallow_anonymous true\n"+extra), 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", conf)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	testkit.Eventually(b, 5*time.Second, func() error {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			_ = c.Close()
		}
		return err
	})
	return addr
}
