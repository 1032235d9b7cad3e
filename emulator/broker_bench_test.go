package emulator_test

import (
	"log/slog"
	"net"
	"testing"

	paho3 "github.com/eclipse/paho.mqtt.golang"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"

	"github.com/iotemu/iotemu/testkit"
)

// BenchmarkDeliver measures MQTT publish → deliver throughput (QoS 1,
// 64-byte payloads, one publisher, one wildcard subscriber with a second,
// # filter) through iotemu with every AWS rule on, and through a bare mochi
// broker with the same capabilities' defaults, in one run.
func BenchmarkDeliver(b *testing.B) {
	b.Run("iotemu", func(b *testing.B) {
		emu := testkit.Start(b)
		benchDeliver(b, emu.MQTTURL())
	})
	b.Run("mochi", func(b *testing.B) {
		benchDeliver(b, bareMochi(b))
	})
}

// bareMochi is the peer: mochi with no emulator hook, on a loopback port.
func bareMochi(b *testing.B) string {
	b.Helper()
	srv := mqtt.New(&mqtt.Options{InlineClient: true, Logger: slog.New(slog.DiscardHandler)})
	if err := srv.AddHook(new(allowAll) /* lifecycle_test.go */, nil); err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.AddListener(listeners.NewNet("t", ln)); err != nil {
		b.Fatal(err)
	}
	if err := srv.Serve(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	return "mqtt://" + ln.Addr().String()
}

func benchDeliver(b *testing.B, broker string) {
	b.Helper()
	got := make(chan struct{}, 1024)
	connect := func(id string) paho3.Client {
		c := paho3.NewClient(paho3.NewClientOptions().AddBroker(broker).SetClientID(id).SetAutoReconnect(false).
			SetMaxResumePubInFlight(100))
		if tok := c.Connect(); !tok.WaitTimeout(wait) || tok.Error() != nil {
			b.Fatalf("connect: %v", tok.Error())
		}
		b.Cleanup(func() { c.Disconnect(0) })
		return c
	}
	sub := connect("bench-sub")
	for _, f := range []string{"bench/+/t", "other/#"} {
		if tok := sub.Subscribe(f, 1, func(paho3.Client, paho3.Message) { got <- struct{}{} }); !tok.WaitTimeout(wait) {
			b.Fatal("subscribe timed out")
		}
	}
	pub := connect("bench-pub")
	payload := make([]byte, 64)
	b.ResetTimer()
	done := make(chan struct{})
	go func() {
		for range b.N {
			<-got
		}
		close(done)
	}()
	// Batches of 50 unacknowledged publishes stay under Receive Maximum (100).
	toks := make([]paho3.Token, 0, 50)
	for i := range b.N {
		toks = append(toks, pub.Publish("bench/dev/t", 1, false, payload))
		if len(toks) == cap(toks) || i == b.N-1 {
			for _, tok := range toks {
				if !tok.WaitTimeout(wait) || tok.Error() != nil {
					b.Fatalf("publish: %v", tok.Error())
				}
			}
			toks = toks[:0]
		}
	}
	<-done
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
}
