package emulator_test

import (
	"context"
	"sync/atomic"
	"testing"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/testkit"
)

// BenchmarkRuleActions measures end-to-end throughput of a rule over MQTT:
// a paho client publishes b.N QoS 1 messages on fleet/d1/telemetry (at
// most benchWindow in flight), the rule republishes each to alerts/d1,
// which a second client receives. The peer, "republish", has only that
// action; "republish+lambda" adds a Lambda action invoking an in-process
// aws-lambda-go handler, and the run also waits for its b.N invocations.
func BenchmarkRuleActions(b *testing.B) {
	b.Run("republish", func(b *testing.B) { benchRuleActions(b, false) })
	b.Run("republish+lambda", func(b *testing.B) { benchRuleActions(b, true) })
}

func benchRuleActions(b *testing.B, withLambda bool) {
	b.Helper()
	var invoked atomic.Int64
	allInvoked := make(chan struct{})
	handler := func(ctx context.Context, r reading) error {
		if invoked.Add(1) == int64(b.N) {
			close(allInvoked)
		}
		return nil
	}
	actions := `[{"republish": {"roleArn": "r", "topic": "alerts/${topic(2)}", "qos": 1}}]`
	if withLambda {
		actions = `[{"republish": {"roleArn": "r", "topic": "alerts/${topic(2)}", "qos": 1}},
			{"lambda": {"functionArn": "arn:aws:lambda:us-east-1:123456789012:function:count"}}]`
	}
	emu := testkit.Start(b, testkit.WithLambda("count", handler), testkit.WithTopicRule("fwd",
		`{"sql": "SELECT temperature AS temp, deviceId AS device FROM 'fleet/+/telemetry'", "actions": `+actions+`}`))
	window := make(chan struct{}, benchWindow)
	var delivered atomic.Int64
	allDelivered := make(chan struct{})
	sub := emu.Connect(b, "sub", testkit.WithPahoOptions(func(o *paho.ClientOptions) {
		o.SetDefaultPublishHandler(func(paho.Client, paho.Message) {
			<-window
			if delivered.Add(1) == int64(b.N) {
				close(allDelivered)
			}
		})
	})).Paho()
	if tok := sub.Subscribe("alerts/#", 1, nil); !tok.WaitTimeout(wait) || tok.Error() != nil {
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
	if withLambda {
		waitBench(b, allInvoked, "invocations")
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
