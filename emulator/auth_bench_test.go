package emulator_test

import (
	"testing"

	paho3 "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/testkit"
)

// benchPolicy is a realistic device policy: policy variables in every
// resource, an IsAttached condition.
const benchPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}",
  "Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},
 {"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/bench/*"},
 {"Effect":"Allow","Action":"iot:Receive","Resource":"arn:aws:iot:us-east-1:123456789012:topic/bench/${iot:Connection.Thing.ThingName}/*"},
 {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/bench/${iot:Connection.Thing.ThingName}/*"}]}`

// benchModes runs fn against a permissive and a strict emulator, with the
// same registered devices and TLS clients, so that the difference is the
// authorisation.
func benchModes(b *testing.B, fn func(b *testing.B, emu *testkit.Emulator)) {
	b.Helper()
	b.Run("permissive", func(b *testing.B) { fn(b, testkit.Start(b)) })
	b.Run("strict", func(b *testing.B) { fn(b, testkit.Start(b, testkit.WithStrictAuth())) })
}

// BenchmarkAuthConnect measures TLS connects (handshake, CONNECT, CONNACK,
// DISCONNECT) of a registered device, in both modes in one run.
func BenchmarkAuthConnect(b *testing.B) {
	benchModes(b, func(b *testing.B, emu *testkit.Emulator) {
		b.Helper()
		d := emu.CreateDevice(b, "bench-conn", benchPolicy)
		opts := paho3.NewClientOptions().AddBroker(emu.MQTTTLSURL()).SetTLSConfig(d.TLSConfig).
			SetClientID("bench-conn").SetAutoReconnect(false)
		b.ResetTimer()
		for range b.N {
			c := paho3.NewClient(opts)
			if tok := c.Connect(); !tok.WaitTimeout(wait) || tok.Error() != nil {
				b.Fatalf("connect: %v", tok.Error())
			}
			c.Disconnect(0)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "connects/s")
	})
}

// BenchmarkAuthDeliver measures QoS 1 publish → deliver over TLS between
// two registered devices (iot:Publish per message, iot:Receive per
// delivery in strict mode), in both modes in one run.
func BenchmarkAuthDeliver(b *testing.B) {
	benchModes(b, func(b *testing.B, emu *testkit.Emulator) {
		b.Helper()
		got := make(chan struct{}, 1024)
		connect := func(name string) paho3.Client {
			d := emu.CreateDevice(b, name, benchPolicy)
			c := paho3.NewClient(paho3.NewClientOptions().AddBroker(emu.MQTTTLSURL()).SetTLSConfig(d.TLSConfig).
				SetClientID(name).SetAutoReconnect(false).SetMaxResumePubInFlight(100))
			if tok := c.Connect(); !tok.WaitTimeout(wait) || tok.Error() != nil {
				b.Fatalf("connect: %v", tok.Error())
			}
			b.Cleanup(func() { c.Disconnect(0) })
			return c
		}
		sub := connect("bench-sub")
		if tok := sub.Subscribe("bench/bench-sub/+", 1, func(paho3.Client, paho3.Message) { got <- struct{}{} }); !tok.WaitTimeout(wait) || tok.Error() != nil {
			b.Fatal("subscribe failed")
		}
		pub := connect("bench-pub")
		benchPublishLoop(b, pub, "bench/bench-sub/t", got)
	})
}

// benchPublishLoop publishes b.N messages in windows of 50 (under Receive
// Maximum 100) and waits for all deliveries.
func benchPublishLoop(b *testing.B, pub paho3.Client, topic string, got <-chan struct{}) {
	b.Helper()
	payload := make([]byte, 64)
	b.ResetTimer()
	done := make(chan struct{})
	go func() { // ends after b.N deliveries
		for range b.N {
			<-got
		}
		close(done)
	}()
	toks := make([]paho3.Token, 0, 50)
	for i := range b.N {
		toks = append(toks, pub.Publish(topic, 1, false, payload))
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
