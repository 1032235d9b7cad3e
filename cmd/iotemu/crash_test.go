package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	paho "github.com/eclipse/paho.mqtt.golang"
	bolt "go.etcd.io/bbolt"
)

const (
	epMQTT = "MQTT"
	epHTTP = "HTTP (iot-data --endpoint-url)"
)

func sdkClients(httpURL string) (*iot.Client, *iotdataplane.Client) {
	creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")
	return iot.New(iot.Options{BaseEndpoint: aws.String(httpURL), Region: "us-east-1", Credentials: creds}),
		iotdataplane.New(iotdataplane.Options{BaseEndpoint: aws.String(httpURL), Region: "us-east-1", Credentials: creds})
}

// mqttClient connects a paho (MQTT 3.1.1) client; clean=false keeps its
// session. onMessage may be nil.
func mqttClient(t *testing.T, url, id string, clean bool, onMessage paho.MessageHandler) paho.Client {
	t.Helper()
	o := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetCleanSession(clean).SetAutoReconnect(false).
		SetConnectRetry(false).SetOrderMatters(false)
	if onMessage != nil {
		o.SetDefaultPublishHandler(onMessage)
	}
	c := paho.NewClient(o)
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("connect %s: %v", id, tok.Error())
	}
	return c
}

func must(t *testing.T, tok paho.Token) {
	t.Helper()
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("mqtt: %v", tok.Error())
	}
}

// TestCrashKeepsAcknowledged: clients write through every kind the data
// directory keeps (with the Go SDK: the registry and certificates, topic
// rules, a destination, custom authorizers, tags, jobs and job templates,
// provisioning templates, a WebSocket API on the API Gateway port, the
// account's settings; over MQTT with paho: a shadow, a retained message, a
// persistent session with queued QoS 1 messages, a job execution update, a
// fleet provisioning RegisterThing), the binary is killed with SIGKILL right
// after the last acknowledgement, and the binary started again on the
// directory has all of it, read back with the same clients; the shadow's
// version does not go backwards.
func TestCrashKeepsAcknowledged(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	ctx := context.Background()
	cmd, eps := startBinary(t, bin, "-data-dir", dir)
	c, _ := sdkClients(eps[epHTTP])

	if _, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("lamp")}); err != nil {
		t.Fatal(err)
	}
	keys, err := c.CreateKeysAndCertificate(ctx, &iot.CreateKeysAndCertificateInput{SetAsActive: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("all"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("all"), Target: keys.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("lamp"), Principal: keys.CertificateArn}); err != nil {
		t.Fatal(err)
	}

	writeControlPlane(t, c, eps)

	// A persistent session subscribed to cmd/#, then offline.
	sub := mqttClient(t, eps[epMQTT], "sub", false, nil)
	must(t, sub.Subscribe("cmd/#", 1, nil))
	sub.Disconnect(100)

	// Shadow updates over MQTT; each accepted reply carries the version.
	accepted := make(chan int64, 16)
	dev := mqttClient(t, eps[epMQTT], "lamp", true, nil)
	must(t, dev.Subscribe("$aws/things/lamp/shadow/update/accepted", 1, func(_ paho.Client, m paho.Message) {
		var doc struct{ Version int64 }
		_ = json.Unmarshal(m.Payload(), &doc)
		accepted <- doc.Version
	}))
	var version int64
	for i := range 5 {
		must(t, dev.Publish("$aws/things/lamp/shadow/update", 1, false, fmt.Sprintf(`{"state":{"reported":{"n":%d}}}`, i)))
		select {
		case version = <-accepted:
		case <-time.After(10 * time.Second):
			t.Fatal("no update/accepted")
		}
	}
	// A retained message and queued QoS 1 messages, each PUBACKed.
	must(t, dev.Publish("status/lamp", 1, true, "online"))
	for i := range 10 {
		must(t, dev.Publish(fmt.Sprintf("cmd/%d", i), 1, false, "queued"))
	}
	// The last acknowledgements before the kill: a job execution update
	// and a fleet provisioning RegisterThing, each answered accepted.
	expectAccepted(t, dev, "$aws/things/lamp/jobs/j1/update", `{"status":"IN_PROGRESS","statusDetails":{"step":"download"}}`)
	registerThing(t, eps[epMQTT])
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	dev.Disconnect(0)

	_, eps = startBinary(t, bin, "-data-dir", dir)
	c, d := sdkClients(eps[epHTTP])
	if _, err := c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("lamp")}); err != nil {
		t.Fatalf("thing after the crash: %v", err)
	}
	cert, err := c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: keys.CertificateId})
	if err != nil || cert.CertificateDescription.Status != "ACTIVE" {
		t.Fatalf("certificate after the crash: %v", err)
	}
	if pols, err := c.ListAttachedPolicies(ctx, &iot.ListAttachedPoliciesInput{Target: keys.CertificateArn}); err != nil || len(pols.Policies) != 1 {
		t.Fatalf("policy attachment after the crash: %v", err)
	}
	if ps, err := c.ListThingPrincipals(ctx, &iot.ListThingPrincipalsInput{ThingName: aws.String("lamp")}); err != nil || len(ps.Principals) != 1 {
		t.Fatalf("thing principal after the crash: %v", err)
	}
	sh, err := d.GetThingShadow(ctx, &iotdataplane.GetThingShadowInput{ThingName: aws.String("lamp")})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version int64
		State   struct{ Reported struct{ N int } }
	}
	if err := json.Unmarshal(sh.Payload, &doc); err != nil || doc.Version < version || doc.State.Reported.N != 4 {
		t.Fatalf("shadow after the crash: %s, want version >= %d and n 4", sh.Payload, version)
	}
	ret, err := d.GetRetainedMessage(ctx, &iotdataplane.GetRetainedMessageInput{Topic: aws.String("status/lamp")})
	if err != nil || string(ret.Payload) != "online" {
		t.Fatalf("retained message after the crash: %v", err)
	}
	checkControlPlane(t, c, eps)
	// The device goes on from the version it was told.
	dev = mqttClient(t, eps[epMQTT], "lamp", true, nil)
	expectAccepted(t, dev, "$aws/things/lamp/jobs/j1/update", `{"status":"SUCCEEDED","expectedVersion":2}`)
	dev.Disconnect(0)
	got := make(chan string, 32)
	sub = mqttClient(t, eps[epMQTT], "sub", false, func(_ paho.Client, m paho.Message) { got <- m.Topic() })
	defer sub.Disconnect(0)
	want := map[string]bool{}
	for i := range 10 {
		want[fmt.Sprintf("cmd/%d", i)] = true
	}
	for len(want) > 0 {
		select {
		case topic := <-got:
			delete(want, topic) // at least once: a duplicate is allowed
		case <-time.After(10 * time.Second):
			t.Fatalf("queued messages after the crash: missing %v", want)
		}
	}
}

// runFails runs the binary, which must exit with an error within 30 s,
// and returns its stderr.
func runFails(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stderr strings.Builder
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil || ctx.Err() != nil {
		t.Fatalf("binary %v: %v (want a prompt error exit); stderr:\n%s", args, err, stderr.String())
	}
	return stderr.String()
}

// TestDataDirRefusals: a second binary on a directory another one holds,
// and a directory of another format version, exit at once with an error
// saying so.
func TestDataDirRefusals(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	startBinary(t, bin, "-data-dir", dir)
	if msg := runFails(t, bin, append(freePortArgs(t), "-data-dir", dir)...); !strings.Contains(msg, "in use by another process") {
		t.Fatalf("second binary on one directory: %s", msg)
	}

	other := t.TempDir()
	db, err := bolt.Open(filepath.Join(other, "iotemu.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("format"), []byte(`{"magic":"iotemu-data-dir","format":99,"createdBy":"v9.0.0"}`))
	}); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	msg := runFails(t, bin, append(freePortArgs(t), "-data-dir", other)...)
	if !strings.Contains(msg, "format 99 (written by iotemu v9.0.0)") {
		t.Fatalf("directory of another format: %s", msg)
	}
}
