package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles cmd/iotemu once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "iotemu")
	cmd := exec.Command("go", "build", "-ldflags", "-X main.version=v0.0.0-test", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startBinary runs the binary on free ports and returns the endpoints it
// printed, by name.
func startBinary(t *testing.T, bin string) (*exec.Cmd, map[string]string) {
	t.Helper()
	cmd := exec.Command(bin, "-mqtt-addr", "127.0.0.1:0", "-mqtt-tls-addr", "127.0.0.1:0",
		"-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	endpoints := map[string]string{}
	line := regexp.MustCompile(`^\s+(.+?)\s{2,}(\S+)$`)
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if m := line.FindStringSubmatch(sc.Text()); m != nil {
			endpoints[m[1]] = m[2]
		}
		if strings.HasPrefix(sc.Text(), "  CA certificate") {
			break
		}
	}
	if len(endpoints) < 6 {
		t.Fatalf("got endpoints %v, want one line per listener; stderr:\n%s", endpoints, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return cmd, endpoints
}

// TestBinaryMosquittoAndShutdown runs the real binary: mosquitto_sub and
// mosquitto_pub exchange a message through it, then SIGTERM stops it
// cleanly within 2 s.
func TestBinaryMosquittoAndShutdown(t *testing.T) {
	sub := requireTool(t, "mosquitto_sub")
	pub := requireTool(t, "mosquitto_pub")
	cmd, eps := startBinary(t, buildBinary(t))
	hostPort := strings.TrimPrefix(eps["MQTT"], "mqtt://")
	host, port, _ := strings.Cut(hostPort, ":")

	// An exact filter: AWS delivers retained messages only to those.
	subCmd := exec.Command(sub, "-h", host, "-p", port, "-t", "m/x", "-C", "1", "-W", "10", "-v", "-i", "sub")
	subOut, _ := subCmd.StdoutPipe()
	if err := subCmd.Start(); err != nil {
		t.Fatal(err)
	}
	// mosquitto_sub prints nothing on SUBACK; -d would, on stderr. Publish
	// retained so that the order of subscribe and publish does not matter.
	if out, err := exec.Command(pub, "-h", host, "-p", port, "-t", "m/x", "-m", "from mosquitto", "-q", "1", "-r").CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_pub: %v\n%s", err, out)
	}
	got, _ := io.ReadAll(subOut)
	if err := subCmd.Wait(); err != nil {
		t.Fatalf("mosquitto_sub: %v (output %q)", err, got)
	}
	if strings.TrimSpace(string(got)) != "m/x from mosquitto" {
		t.Fatalf("got %q, want %q", got, "m/x from mosquitto")
	}

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("shutdown took %v, want under 2s", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("still running 5s after SIGTERM")
	}
}

func TestVersion(t *testing.T) {
	out, err := exec.Command(buildBinary(t), "-version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "iotemu v0.0.0-test" {
		t.Fatalf("got %q, want %q", got, "iotemu v0.0.0-test")
	}
}

func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not installed; .ci/run installs it", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}
