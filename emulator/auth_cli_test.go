package emulator_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// cliCredential is what awsEnv signs with; strict tests configure it.
var cliCredential = emulator.Credential{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", AllowAll: true}

// strictDevicePolicy: connect only as the thing's own client ID while the
// certificate is attached to the thing; publish to any thing's topics;
// subscribe and receive only the thing's own, except .../secret.
const strictDevicePolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}",
  "Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},
 {"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/things/*"},
 {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/things/${iot:Connection.Thing.ThingName}/*"},
 {"Effect":"Allow","Action":"iot:Receive","Resource":"arn:aws:iot:us-east-1:123456789012:topic/things/${iot:Connection.Thing.ThingName}/*"},
 {"Effect":"Deny","Action":"iot:Receive","Resource":"arn:aws:iot:us-east-1:123456789012:topic/things/${iot:Connection.Thing.ThingName}/secret"}]}`

// cliDevice is a device the AWS CLI registered, with its files.
type cliDevice struct{ arn, id, cert, key string }

// TestStrictAWSCLIMosquitto is the user's flow in strict mode: the AWS CLI
// (signing with a configured credential) registers two devices and a
// policy; mosquitto (MQTT 3.1.1 over TLS, the devices' certificates)
// shows an allowed publish delivered, policy variables and IsAttached at
// work, and each refusal as on AWS (connection closed, no ack), with
// connect_failed / AUTH_ERROR lifecycle events, while a bystander client
// keeps exchanging messages.
func TestStrictAWSCLIMosquitto(t *testing.T) {
	sub, pub := requireTool(t, "mosquitto_sub"), requireTool(t, "mosquitto_pub")
	stdbuf := requireTool(t, "stdbuf")
	emu := testkit.Start(t, testkit.WithStrictAuth(cliCredential))
	events := record(t, emu, "$aws/events/#")
	dir := t.TempDir()
	cli := func(args ...string) map[string]any { t.Helper(); return cliJSON(t, emu, args...) }
	cli("iot", "create-policy", "--policy-name", "device", "--policy-document", strictDevicePolicy)
	newDevice := func(name string) cliDevice {
		cli("iot", "create-thing", "--thing-name", name)
		d := cliDevice{cert: filepath.Join(dir, name+".pem"), key: filepath.Join(dir, name+".key")}
		out := cli("iot", "create-keys-and-certificate", "--set-as-active",
			"--certificate-pem-outfile", d.cert, "--private-key-outfile", d.key)
		d.arn, d.id = out["certificateArn"].(string), out["certificateId"].(string)
		cli("iot", "attach-policy", "--policy-name", "device", "--target", d.arn)
		cli("iot", "attach-thing-principal", "--thing-name", name, "--principal", d.arn)
		return d
	}
	receiver, sender := newDevice("receiver"), newDevice("sender")
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, fetchCA(t, emu), 0o600); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(emu.MQTTTLSURL())
	args := func(d cliDevice, id string) []string {
		return []string{"-h", "localhost", "-p", u.Port(), "--cafile", caFile, "--cert", d.cert, "--key", d.key, "-V", "mqttv311", "-i", id}
	}
	bystander := strictBystander(t, emu)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// Allowed: the receiver subscribes to its own topics (policy variable
	// in the filter ARN), the sender publishes to them; the secret topic
	// is published first and never received (iot:Receive denied).
	lines := startLines(t, exec.CommandContext(ctx, stdbuf, append([]string{"-oL", sub},
		append(args(receiver, "receiver"), "-t", "things/receiver/+", "-q", "1", "-v", "-d")...)...))
	waitLines(t, lines, "SUBACK")
	for _, m := range []string{"secret", "data"} {
		mosquitto(t, ctx, pub, true, append(args(sender, "sender"), "-t", "things/receiver/"+m, "-q", "1", "-m", "payload-"+m)...)
	}
	got := waitLines(t, lines, "payload-data")
	if strings.Contains(strings.Join(got, "\n"), "payload-secret") {
		t.Fatalf("iot:Receive denied, but the secret topic was delivered:\n%s", strings.Join(got, "\n"))
	}

	// Refused, each closed without an ack (mosquitto exits non-zero).
	bad := filepath.Join(dir, "unknown")
	unknown := writeCert(t, emu, bad)
	refusals := []struct {
		name string
		args []string
	}{
		{"forbidden subscribe", append(args(sender, "sender"), "-t", "things/receiver/data", "-C", "1", "-W", "2")},
		{"forbidden publish", append(args(sender, "sender"), "-t", "elsewhere/data", "-q", "1", "-m", "x")},
		{"wrong client id", append(args(sender, "not-the-thing"), "-t", "things/receiver/data", "-m", "x")},
		{"unknown certificate", append(args(unknown, "receiver"), "-t", "things/receiver/data", "-m", "x")},
	}
	for _, r := range refusals {
		tool := pub
		if strings.Contains(r.name, "subscribe") {
			tool = sub
		}
		mosquitto(t, ctx, tool, false, r.args...)
		bystander.check(t)
	}
	cli("iot", "update-certificate", "--certificate-id", sender.id, "--new-status", "INACTIVE")
	mosquitto(t, ctx, pub, false, append(args(sender, "sender"), "-t", "things/receiver/data", "-m", "x")...)
	bystander.check(t)

	// Lifecycle: AUTH_ERROR for the refused subscribe and publish,
	// connect_failed for the wrong client ID and the inactive certificate.
	all := events.waitFor(t, "$aws/events/presence/connect_failed/sender")
	var reasons []string
	failed := 0
	for _, m := range all {
		ev := event(t, m)
		if ev["clientId"] == "sender" && ev["eventType"] == "disconnected" {
			reasons = append(reasons, ev["disconnectReason"].(string))
		}
		if ev["eventType"] == "connect_failed" {
			failed++
			if ev["connectFailureReason"] != "AUTHORIZATION_FAILED" || ev["principalIdentifier"] != sender.id {
				t.Errorf("connect_failed event: %v", ev)
			}
		}
	}
	// mosquitto_sub reconnects after each refused SUBSCRIBE until -W.
	clean := "CLIENT_INITIATED_DISCONNECT,CLIENT_INITIATED_DISCONNECT,"
	rest := strings.TrimPrefix(strings.Join(reasons, ","), clean)
	if !strings.HasPrefix(strings.Join(reasons, ","), clean) || len(reasons) < 4 || strings.Trim(strings.ReplaceAll(rest, "AUTH_ERROR", ""), ",") != "" || failed != 2 {
		t.Errorf("sender's disconnect reasons %v, connect_failed events %d", reasons, failed)
	}
}

// cliJSON runs the AWS CLI and decodes its JSON output.
func cliJSON(t *testing.T, emu *testkit.Emulator, args ...string) map[string]any {
	t.Helper()
	out, err := runAWS(t, emu, args...)
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return decodeCLI(t, out)
}

// decodeCLI decodes the CLI's JSON output ("" → nil).
func decodeCLI(t *testing.T, out string) map[string]any {
	t.Helper()
	var m map[string]any
	if strings.TrimSpace(out) != "" {
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("decode aws output: %v\n%s", err, out)
		}
	}
	return m
}

// mosquitto runs mosquitto_pub or mosquitto_sub to the end and checks
// whether it succeeded.
func mosquitto(t *testing.T, ctx context.Context, tool string, succeed bool, args ...string) {
	t.Helper()
	out, err := exec.CommandContext(ctx, tool, args...).CombinedOutput()
	if (err == nil) != succeed {
		t.Fatalf("%s %s: error %v, want success %v\n%s", filepath.Base(tool), strings.Join(args, " "), err, succeed, out)
	}
	if !succeed && strings.Contains(string(out), "payload") {
		t.Fatalf("%s refused but received:\n%s", filepath.Base(tool), out)
	}
}

// startLines starts cmd and returns its output lines.
func startLines(t *testing.T, cmd *exec.Cmd) <-chan string {
	t.Helper()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return scanLines(out)
}

// writeCert writes a certificate signed by the emulator's CA but not
// registered, and its key, as PEM files.
func writeCert(t *testing.T, emu *testkit.Emulator, base string) cliDevice {
	t.Helper()
	c := emu.ClientCertificate(t, "stranger")
	key, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	d := cliDevice{cert: base + ".pem", key: base + ".key"}
	if err := os.WriteFile(d.cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600); err != nil {
		t.Fatal(err)
	}
	return d
}
