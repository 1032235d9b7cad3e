package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	"github.com/aws/smithy-go"
	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/shadow"
	"github.com/iotemu/iotemu/shadow/shadowtest"
	"github.com/iotemu/iotemu/testkit"
)

// fakeClock is the emulator's clock in conformance runs: every step gets a
// window of its own, so "$T<k>" placeholders match only the step that
// stamped them.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestShadowConformanceOverTheWire runs every shadow conformance vector
// with real clients: MQTT steps with paho on the reserved topics, HTTP
// steps with the AWS SDK for Go v2, against one emulator per vector.
func TestShadowConformanceOverTheWire(t *testing.T) {
	f, err := shadowtest.Vectors()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range f.Vectors {
		t.Run(v.ID, func(t *testing.T) {
			v, reason := shadowtest.Apply(v)
			if reason != "" {
				t.Logf("%s corrected: %s", v.ID, reason)
			}
			for _, p := range newWireRunner(t, v).run(t) {
				t.Errorf("%s (%s): %s", v.ID, v.Title, p)
			}
		})
	}
}

// wireRunner runs one vector against one emulator.
type wireRunner struct {
	v     shadowtest.Vector
	clock *fakeClock
	emu   *testkit.Emulator
	mqtt  paho.Client
	data  *iotdataplane.Client

	mu       sync.Mutex
	received []paho.Message
	barrier  chan struct{}
}

func newWireRunner(t *testing.T, v shadowtest.Vector) *wireRunner {
	t.Helper()
	r := &wireRunner{v: v, clock: &fakeClock{now: time.Unix(1_700_000_000, 0)}, barrier: make(chan struct{}, 1)}
	opts := []testkit.Option{testkit.WithNow(r.clock.Now)}
	if initial, ok := v.InitialShadow(); ok {
		name := ""
		if v.Shadow != nil {
			name = *v.Shadow
		}
		opts = append(opts, testkit.WithShadow(v.Thing, name, string(initial)))
	}
	r.emu = testkit.Start(t, opts...)
	r.data = dataClient(r.emu)
	r.mqtt = r.emu.Connect(t, "conformance", testkit.WithPahoOptions(func(o *paho.ClientOptions) {
		o.SetDefaultPublishHandler(r.collect)
	})).Paho()
	r.subscribe(t, "barrier")
	return r
}

func (r *wireRunner) collect(_ paho.Client, m paho.Message) {
	if m.Topic() == "barrier" {
		r.barrier <- struct{}{}
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.received = append(r.received, m)
}

func (r *wireRunner) subscribe(t *testing.T, filters ...string) {
	t.Helper()
	m := map[string]byte{}
	for _, f := range filters {
		m[f] = 1
	}
	if tok := r.mqtt.SubscribeMultiple(m, nil); !tok.WaitTimeout(wait) || tok.Error() != nil {
		t.Fatalf("subscribe %v: %v", filters, tok.Error())
	}
}

// sync waits until every message caused so far has arrived: a marker
// published after the step reaches this subscriber after them.
func (r *wireRunner) sync(t *testing.T) []paho.Message {
	t.Helper()
	if tok := r.mqtt.Publish("barrier", 1, false, "x"); !tok.WaitTimeout(wait) || tok.Error() != nil {
		t.Fatalf("publish barrier: %v", tok.Error())
	}
	select {
	case <-r.barrier:
	case <-time.After(wait):
		t.Fatal("barrier did not arrive")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.received
	r.received = nil
	return got
}

func (r *wireRunner) run(t *testing.T) []string {
	t.Helper()
	subscribed := map[string]bool{}
	check := shadowtest.NewRun(r.v)
	var problems []string
	for i, step := range r.v.Steps {
		prefix := shadow.TopicPrefix(r.v.Thing, r.v.ShadowName(i))
		if !subscribed[prefix] {
			subscribed[prefix] = true
			r.subscribe(t, prefix+"/get/+", prefix+"/update/accepted", prefix+"/update/rejected",
				prefix+"/delete/+", prefix+"/update/delta", prefix+"/update/documents")
		}
		r.clock.Advance(10*time.Second + time.Duration(step.SleepBeforeS)*time.Second)
		obs := r.step(t, i, prefix)
		obs.Start, obs.End = r.clock.Now().Unix(), r.clock.Now().Unix()
		problems = append(problems, check.Check(i, obs)...)
	}
	return problems
}

func (r *wireRunner) step(t *testing.T, i int, prefix string) shadowtest.Observation {
	t.Helper()
	step := r.v.Steps[i]
	var obs shadowtest.Observation
	obs.VersionBefore = r.version(t, i)
	body, _ := step.Body()
	if step.Transport == "mqtt" {
		if tok := r.mqtt.Publish(prefix+"/"+step.Op, 1, false, body); !tok.WaitTimeout(wait) || tok.Error() != nil {
			t.Fatalf("publish: %v", tok.Error())
		}
	} else {
		r.callHTTP(t, step.Op, r.v.ShadowName(i), body, &obs)
	}
	for _, m := range r.sync(t) {
		switch {
		case m.Topic() == prefix+"/update/delta":
			obs.Deltas = append(obs.Deltas, m.Payload())
		case m.Topic() == prefix+"/update/documents":
			obs.Documents = append(obs.Documents, m.Payload())
		case step.Transport == "mqtt" && m.Topic() == prefix+"/"+step.Op+"/accepted":
			obs.Accepted, obs.Body = true, m.Payload()
		case step.Transport == "mqtt" && m.Topic() == prefix+"/"+step.Op+"/rejected":
			obs.Body = m.Payload()
		}
	}
	if step.Transport == "mqtt" && obs.Body == nil {
		t.Fatalf("step %d: no accepted or rejected answer on %s/%s", i+1, prefix, step.Op)
	}
	obs.VersionAfter = r.version(t, i)
	return obs
}

// callHTTP performs an iot-data operation with the Go SDK.
func (r *wireRunner) callHTTP(t *testing.T, op, name string, body []byte, obs *shadowtest.Observation) {
	t.Helper()
	ctx := context.Background()
	var sn *string
	if name != "" {
		sn = aws.String(name)
	}
	var err error
	switch op {
	case "get":
		var out *iotdataplane.GetThingShadowOutput
		if out, err = r.data.GetThingShadow(ctx, &iotdataplane.GetThingShadowInput{ThingName: aws.String(r.v.Thing), ShadowName: sn}); err == nil {
			obs.Body = out.Payload
		}
	case "update":
		var out *iotdataplane.UpdateThingShadowOutput
		if out, err = r.data.UpdateThingShadow(ctx, &iotdataplane.UpdateThingShadowInput{ThingName: aws.String(r.v.Thing), ShadowName: sn, Payload: body}); err == nil {
			obs.Body = out.Payload
		}
	case "delete":
		var out *iotdataplane.DeleteThingShadowOutput
		if out, err = r.data.DeleteThingShadow(ctx, &iotdataplane.DeleteThingShadowInput{ThingName: aws.String(r.v.Thing), ShadowName: sn}); err == nil {
			obs.Body = out.Payload
		}
	case "list":
		var out *iotdataplane.ListNamedShadowsForThingOutput
		if out, err = r.data.ListNamedShadowsForThing(ctx, &iotdataplane.ListNamedShadowsForThingInput{ThingName: aws.String(r.v.Thing)}); err == nil {
			obs.Body = listBody(t, out)
		}
	default:
		t.Fatalf("unknown op %q", op)
	}
	obs.Accepted, obs.HTTPStatus = err == nil, http.StatusOK
	if err != nil {
		var apiErr smithy.APIError
		var respErr *awshttp.ResponseError
		if !errors.As(err, &apiErr) || !errors.As(err, &respErr) {
			t.Fatalf("%s: got %v, want an AWS API error", op, err)
		}
		obs.HTTPStatus, obs.ErrorType, obs.ErrorMessage = respErr.HTTPStatusCode(), apiErr.ErrorCode(), apiErr.ErrorMessage()
	}
}

// listBody rebuilds the JSON body the SDK parsed.
func listBody(t *testing.T, out *iotdataplane.ListNamedShadowsForThingOutput) []byte {
	t.Helper()
	body := map[string]any{"results": out.Results, "timestamp": out.Timestamp}
	if out.Results == nil {
		body["results"] = []string{}
	}
	if out.NextToken != nil {
		body["nextToken"] = *out.NextToken
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// version is the stored version, read from inside the emulator.
func (r *wireRunner) version(t *testing.T, i int) int64 {
	t.Helper()
	sh, ok, err := r.emu.Server().Shadows().Snapshot(context.Background(), r.v.Thing, r.v.ShadowName(i))
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return 0
	}
	return sh.Version
}
