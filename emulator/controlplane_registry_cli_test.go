package emulator_test

import (
	"bufio"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/testkit"
)

// TestDeviceAWSCLIMosquitto is the user's flow: the AWS CLI creates a
// thing, keys and an ACTIVE certificate written to files, a policy, and
// attaches them; describe-endpoint gives the host; mosquitto_sub and
// mosquitto_pub connect to the MQTT TLS listener with that certificate and
// key (CA from /ca.pem) and exchange a message (permissive mode).
func TestDeviceAWSCLIMosquitto(t *testing.T) {
	sub, pub := requireTool(t, "mosquitto_sub"), requireTool(t, "mosquitto_pub")
	stdbuf := requireTool(t, "stdbuf") // mosquitto_sub's -d lines are block-buffered on a pipe
	emu := testkit.Start(t)
	dir := t.TempDir()
	cli := func(args ...string) map[string]any { t.Helper(); return cliJSON(t, emu, args...) }
	cli("iot", "create-thing", "--thing-name", "cli-device")
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "private.key")
	created := cli("iot", "create-keys-and-certificate", "--set-as-active",
		"--certificate-pem-outfile", certFile, "--private-key-outfile", keyFile,
		"--public-key-outfile", filepath.Join(dir, "public.key"))
	arn, _ := created["certificateArn"].(string)
	cli("iot", "create-policy", "--policy-name", "cli-policy", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`)
	cli("iot", "attach-policy", "--policy-name", "cli-policy", "--target", arn)
	cli("iot", "attach-thing-principal", "--thing-name", "cli-device", "--principal", arn)
	if got := cli("iot", "list-thing-principals", "--thing-name", "cli-device")["principals"]; len(got.([]any)) != 1 {
		t.Fatalf("list-thing-principals: %v", got)
	}
	if got := cli("iot", "list-attached-policies", "--target", arn)["policies"]; len(got.([]any)) != 1 {
		t.Fatalf("list-attached-policies: %v", got)
	}
	host, _ := cli("iot", "describe-endpoint", "--endpoint-type", "iot:Data-ATS")["endpointAddress"].(string)
	if host != "localhost" {
		t.Fatalf("describe-endpoint: %q, want localhost", host)
	}
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, fetchCA(t, emu), 0o600); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(emu.MQTTTLSURL())
	tlsArgs := []string{"-h", host, "-p", u.Port(), "--cafile", caFile, "--cert", certFile, "--key", keyFile, "-V", "mqttv311"}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	subCmd := exec.CommandContext(ctx, stdbuf, append([]string{"-oL", sub}, append(tlsArgs, "-i", "cli-sub", "-t", "cli/hello", "-q", "1", "-C", "1", "-d")...)...)
	out, err := subCmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	subCmd.Stderr = subCmd.Stdout
	if err := subCmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	waitLines(t, lines, "SUBACK")
	if b, err := exec.CommandContext(ctx, pub, append(tlsArgs, "-i", "cli-pub", "-t", "cli/hello", "-q", "1", "-m", "hello from mosquitto")...).CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_pub: %v\n%s", err, b)
	}
	waitLines(t, lines, "hello from mosquitto")
	if err := subCmd.Wait(); err != nil {
		t.Fatalf("mosquitto_sub: %v", err)
	}
}

// fetchCA downloads the emulator's CA certificate from /ca.pem.
func fetchCA(t *testing.T, emu *testkit.Emulator) []byte {
	t.Helper()
	status, _, body := rawRequest(t, emu, "GET", "/ca.pem", "", nil)
	if status != 200 {
		t.Fatalf("GET /ca.pem: %d", status)
	}
	return []byte(body)
}

// TestRegistryErrorsAWSCLI: the CLI names AWS's exceptions.
func TestRegistryErrorsAWSCLI(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"iot", "describe-thing", "--thing-name", "missing"}, "ResourceNotFoundException"},
		{[]string{"iot", "create-thing", "--thing-name", "bad name"}, "InvalidRequestException"},
		{[]string{"iot", "create-policy", "--policy-name", "p", "--policy-document", "{"}, "MalformedPolicyException"},
		{[]string{"iot", "delete-certificate", "--certificate-id", strings.Repeat("a", 64)}, "ResourceNotFoundException"},
	} {
		out, err := runAWS(t, emu, tt.args...)
		if err == nil || !strings.Contains(out, tt.want) {
			t.Errorf("aws %s: got %v %s, want %s", strings.Join(tt.args, " "), err, out, tt.want)
		}
	}
}
