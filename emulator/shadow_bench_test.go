package emulator_test

import (
	"fmt"
	"testing"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/testkit"
)

// benchRoundTrip publishes to topic and waits for one message on answer,
// b.N times, over one paho connection.
func benchRoundTrip(b *testing.B, topic, answer string, payload func(i int) string) {
	emu := testkit.Start(b)
	got := make(chan struct{}, 1)
	c := emu.Connect(b, "bench", testkit.WithPahoOptions(func(o *paho.ClientOptions) {
		o.SetDefaultPublishHandler(func(paho.Client, paho.Message) { got <- struct{}{} })
	})).Paho()
	if tok := c.Subscribe(answer, 1, nil); !tok.WaitTimeout(wait) || tok.Error() != nil {
		b.Fatal(tok.Error())
	}
	b.ResetTimer()
	for i := range b.N {
		c.Publish(topic, 1, false, payload(i))
		<-got
	}
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
