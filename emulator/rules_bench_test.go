package emulator_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/testkit"
)

// BenchmarkPublishDeliverRules measures MQTT publish→deliver throughput
// with rules installed, against none, in one run: one paho client
// publishes b.N QoS 1 messages on fleet/d1/telemetry without waiting, and
// another receives them, with at most benchWindow messages in flight (a
// subscriber's queue is bounded, as on AWS). "matching" variants add one
// rule matching the topic, which republishes; the window then also covers
// its runs, and the run waits for its b.N outputs.
func BenchmarkPublishDeliverRules(b *testing.B) {
	for _, c := range []struct {
		name      string
		nonMatch  int
		withMatch bool
	}{
		{"rules=0", 0, false},
		{"rules=1000-nonmatching", 1000, false},
		{"rules=1-matching", 0, true},
		{"rules=10-1matching", 9, true},
		{"rules=1000-1matching", 999, true},
	} {
		b.Run(c.name, func(b *testing.B) { benchPublishDeliver(b, c.nonMatch, c.withMatch) })
	}
}

func benchPublishDeliver(b *testing.B, nonMatch int, withMatch bool) {
	b.Helper()
	emu := testkit.Start(b)
	for i := range nonMatch {
		emu.AddRule(b, fmt.Sprintf("other_%d", i), fmt.Sprintf("SELECT * FROM 'site/%d/+/telemetry'", i))
	}
	window := make(chan struct{}, benchWindow)
	var runs atomic.Int64
	allRun := make(chan struct{})
	if withMatch {
		count := rules.ActionFunc(func(context.Context, rules.Output) error {
			<-window
			if runs.Add(1) == int64(b.N) {
				close(allRun)
			}
			return nil
		})
		emu.AddRule(b, "hit", "SELECT temperature, deviceId FROM 'fleet/+/telemetry' WHERE temperature > 50",
			count, rules.Republish{Topic: "alerts/${topic(2)}"})
	}
	var delivered atomic.Int64
	allDelivered := make(chan struct{})
	sub := emu.Connect(b, "sub", testkit.WithPahoOptions(func(o *paho.ClientOptions) {
		o.SetDefaultPublishHandler(func(paho.Client, paho.Message) {
			if !withMatch {
				<-window
			}
			if delivered.Add(1) == int64(b.N) {
				close(allDelivered)
			}
		})
	})).Paho()
	if tok := sub.Subscribe("fleet/+/telemetry", 1, nil); !tok.WaitTimeout(wait) || tok.Error() != nil {
		b.Fatal(tok.Error())
	}
	pub := emu.Connect(b, "pub").Paho()
	payload := []byte(`{"deviceId":"d1","temperature":72.5,"humidity":40}`)
	b.ResetTimer()
	for range b.N {
		window <- struct{}{}
		pub.Publish("fleet/d1/telemetry", 1, false, payload)
	}
	waitBench(b, allDelivered, "deliveries")
	if withMatch {
		waitBench(b, allRun, "rule runs")
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// benchWindow bounds the messages published but not yet delivered (or run
// by the matching rule).
const benchWindow = 64

func waitBench(b *testing.B, done <-chan struct{}, what string) {
	b.Helper()
	select {
	case <-done:
	case <-time.After(time.Minute):
		b.Fatalf("not all %s within a minute", what)
	}
}
