package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/internal/datadir"
	"github.com/iotemu/iotemu/testkit"
)

// restart closes emu and starts another emulator on the same data directory.
func restart(t *testing.T, emu *testkit.Emulator, dir string, opts ...testkit.Option) *testkit.Emulator {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := emu.Server().Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	return testkit.Start(t, append([]testkit.Option{testkit.WithDataDir(dir)}, opts...)...)
}

// TestDataDirKeepsStateAcrossRestart: what the SDK and MQTT clients wrote
// is there after a restart on the same directory, and nothing without one.
func TestDataDirKeepsStateAcrossRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	emu := testkit.Start(t, testkit.WithDataDir(dir), testkit.WithThing("from-fixture", nil))
	c := iotClient(emu)
	if _, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("lamp"),
		AttributePayload: &types.AttributePayload{Attributes: map[string]string{"room": "kitchen"}}}); err != nil {
		t.Fatal(err)
	}
	keys, err := c.CreateKeysAndCertificate(ctx, &iot.CreateKeysAndCertificateInput{SetAsActive: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(testkit.AllowAllPolicy)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("p"), Target: keys.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("lamp"), Principal: keys.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	d := dataClient(emu)
	if _, err := d.UpdateThingShadow(ctx, &iotdataplane.UpdateThingShadowInput{ThingName: aws.String("lamp"),
		Payload: []byte(`{"state":{"reported":{"on":true}}}`)}); err != nil {
		t.Fatal(err)
	}
	pub := emu.Connect(t, "pub")
	pub.Publish(t, "status/lamp", 1, true, []byte("online"))

	// A persistent session with a subscription, offline, gets a QoS 1
	// message queued.
	sub := emu.Connect(t, "sub", testkit.WithPahoOptions(func(o *paho.ClientOptions) { o.SetCleanSession(false) }))
	sub.Subscribe(t, "cmd/#", 1)
	sub.Disconnect()
	pub.Publish(t, "cmd/lamp", 1, false, []byte("queued"))
	caPEM := string(emu.Server().CACertificatePEM())

	emu = restart(t, emu, dir)
	c, d = iotClient(emu), dataClient(emu)
	for _, name := range []string{"lamp", "from-fixture"} {
		if _, err := c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String(name)}); err != nil {
			t.Fatalf("thing %s after restart: %v", name, err)
		}
	}
	cert, err := c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: keys.CertificateId})
	if err != nil || cert.CertificateDescription.Status != "ACTIVE" {
		t.Fatalf("certificate after restart: %v %+v", err, cert)
	}
	pols, err := c.ListAttachedPolicies(ctx, &iot.ListAttachedPoliciesInput{Target: keys.CertificateArn})
	if err != nil || len(pols.Policies) != 1 {
		t.Fatalf("attached policies after restart: %v %+v", err, pols)
	}
	princ, err := c.ListThingPrincipals(ctx, &iot.ListThingPrincipalsInput{ThingName: aws.String("lamp")})
	if err != nil || len(princ.Principals) != 1 {
		t.Fatalf("thing principals after restart: %v %+v", err, princ)
	}
	if got := string(emu.Server().CACertificatePEM()); got != caPEM {
		t.Fatal("the CA changed across the restart")
	}
	sh, err := d.GetThingShadow(ctx, &iotdataplane.GetThingShadowInput{ThingName: aws.String("lamp")})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Version int64 }
	if err := json.Unmarshal(sh.Payload, &doc); err != nil || doc.Version != 1 || !strings.Contains(string(sh.Payload), `"on":true`) {
		t.Fatalf("shadow after restart: %s (%v)", sh.Payload, err)
	}
	ret, err := d.GetRetainedMessage(ctx, &iotdataplane.GetRetainedMessageInput{Topic: aws.String("status/lamp")})
	if err != nil || string(ret.Payload) != "online" {
		t.Fatalf("retained after restart: %v %+v", err, ret)
	}
	got := make(chan string, 4)
	sub = emu.Connect(t, "sub", testkit.WithPahoOptions(func(o *paho.ClientOptions) {
		o.SetCleanSession(false)
		o.SetDefaultPublishHandler(func(_ paho.Client, m paho.Message) { got <- m.Topic() + "=" + string(m.Payload()) })
	}))
	emu.Connect(t, "pub2").Publish(t, "cmd/after", 1, false, []byte("live"))
	want := map[string]bool{"cmd/lamp=queued": true, "cmd/after=live": true}
	for len(want) > 0 {
		select {
		case m := <-got:
			if !want[m] {
				t.Fatalf("unexpected %s", m)
			}
			delete(want, m)
		case <-time.After(10 * time.Second):
			t.Fatalf("persistent session after restart: still waiting for %v", want)
		}
	}
	sub.Disconnect()
}

// TestDataDirIsExclusive: a second emulator on the same directory fails
// with a clear error, and a directory of another format is refused.
func TestDataDirIsExclusive(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	testkit.Start(t, testkit.WithDataDir(dir))
	_, err := emulator.New(emulator.Config{DataDir: dir, DataDirLockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, datadir.ErrLocked) || !strings.Contains(err.Error(), "another iotemu") {
		t.Fatalf("second emulator on one directory: %v", err)
	}
}

// TestDataDirReset: what the reset API removes stays removed after a
// restart.
func TestDataDirReset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	emu := testkit.Start(t, testkit.WithDataDir(dir))
	if _, err := iotClient(emu).CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("lamp")}); err != nil {
		t.Fatal(err)
	}
	if _, err := dataClient(emu).UpdateThingShadow(ctx, &iotdataplane.UpdateThingShadowInput{ThingName: aws.String("lamp"),
		Payload: []byte(`{"state":{"reported":{"on":true}}}`)}); err != nil {
		t.Fatal(err)
	}
	emu.Connect(t, "pub").Publish(t, "status/lamp", 1, true, []byte("online"))
	c := iotClient(emu)
	if _, err := c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("r"), TopicRulePayload: &types.TopicRulePayload{
		Sql: aws.String("SELECT * FROM 'a'"), Actions: []types.Action{}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateJob(ctx, &iot.CreateJobInput{JobId: aws.String("j"), Document: aws.String(`{}`),
		Targets: []string{"arn:aws:iot:us-east-1:123456789012:thing/lamp"}}); err != nil {
		t.Fatal(err)
	}
	if status, _, body := rawRequest(t, emu, "POST", "/iotemu/reset", "", nil); status != 204 {
		t.Fatalf("reset: %d %s", status, body)
	}
	emu = restart(t, emu, dir)
	if _, err := iotClient(emu).DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("lamp")}); err == nil {
		t.Fatal("thing back after reset and restart")
	}
	if _, err := dataClient(emu).GetThingShadow(ctx, &iotdataplane.GetThingShadowInput{ThingName: aws.String("lamp")}); err == nil {
		t.Fatal("shadow back after reset and restart")
	}
	if _, err := dataClient(emu).GetRetainedMessage(ctx, &iotdataplane.GetRetainedMessageInput{Topic: aws.String("status/lamp")}); err == nil {
		t.Fatal("retained message back after reset and restart")
	}
	if _, err := iotClient(emu).GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("r")}); err == nil {
		t.Fatal("topic rule back after reset and restart")
	}
	if _, err := iotClient(emu).DescribeJob(ctx, &iot.DescribeJobInput{JobId: aws.String("j")}); err == nil {
		t.Fatal("job back after reset and restart")
	}
}
