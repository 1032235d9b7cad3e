package emulator_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/testkit"
)

// benchRoundTrip publishes to topic and waits for one message on answer,
// b.N times, over one paho connection.
func benchRoundTrip(b *testing.B, topic, answer string, payload func(i int) string, opts ...testkit.Option) {
	b.Helper()
	roundTrips(b, testkit.Start(b, opts...), topic, answer, payload)
}

// roundTrips is benchRoundTrip on an emulator already set up.
func roundTrips(b *testing.B, emu *testkit.Emulator, topic, answer string, payload func(i int) string) {
	b.Helper()
	got := make(chan struct{}, 1)
	c := emu.Connect(b, "bench", testkit.WithPahoOptions(func(o *paho.ClientOptions) {
		o.SetDefaultPublishHandler(func(paho.Client, paho.Message) { got <- struct{}{} })
	})).Paho()
	if tok := c.Subscribe(answer, 1, nil); !tok.WaitTimeout(wait) || tok.Error() != nil {
		b.Fatal(tok.Error())
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		c.Publish(topic, 1, false, payload(i))
		<-got
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportLatency(b, lat)
}

// reportLatency adds the round trips per second and their p50 and p99.
func reportLatency(b *testing.B, lat []time.Duration) {
	b.Helper()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) }
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "roundtrips/s")
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

// BenchmarkShadowUpdateMQTT: one shadow update over MQTT, from PUBLISH to
// update/accepted received.
func BenchmarkShadowUpdateMQTT(b *testing.B) {
	benchRoundTrip(b, "$aws/things/bench/shadow/update", "$aws/things/bench/shadow/update/accepted",
		func(i int) string { return fmt.Sprintf(`{"state":{"reported":{"temp":%d,"on":true}}}`, i) })
}

// BenchmarkPeerPublishRoundTripMQTT is the peer: the same client publishes
// the same bytes to a plain topic it subscribes to.
func BenchmarkPeerPublishRoundTripMQTT(b *testing.B) {
	benchRoundTrip(b, "bench/echo", "bench/echo",
		func(i int) string { return fmt.Sprintf(`{"state":{"reported":{"temp":%d,"on":true}}}`, i) })
}

// BenchmarkShadowUpdateMQTTDataDir is BenchmarkShadowUpdateMQTT with a data
// directory: the persistence cost of a shadow update (one committed bbolt
// transaction before update/accepted).
func BenchmarkShadowUpdateMQTTDataDir(b *testing.B) {
	benchRoundTrip(b, "$aws/things/bench/shadow/update", "$aws/things/bench/shadow/update/accepted",
		func(i int) string { return fmt.Sprintf(`{"state":{"reported":{"temp":%d,"on":true}}}`, i) },
		testkit.WithDataDir(b.TempDir()))
}

// BenchmarkPublishRoundTripMQTTDataDir is BenchmarkPeerPublishRoundTripMQTT
// with a data directory: the QoS 1 PUBLISH is written before its PUBACK.
func BenchmarkPublishRoundTripMQTTDataDir(b *testing.B) {
	benchRoundTrip(b, "bench/echo", "bench/echo",
		func(i int) string { return fmt.Sprintf(`{"state":{"reported":{"temp":%d,"on":true}}}`, i) },
		testkit.WithDataDir(b.TempDir()))
}
