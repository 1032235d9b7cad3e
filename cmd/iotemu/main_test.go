package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
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
func buildBinary(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "iotemu")
	cmd := exec.Command("go", "build", "-ldflags", "-X main.version=v0.0.0-test", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// addrFlags returns every listener flag of the binary (the flags named
// -…-addr) with its default address, read from the usage text, so that a
// listener added later is covered without editing the tests.
func addrFlags(tb testing.TB) map[string]string {
	tb.Helper()
	var usage bytes.Buffer
	if _, err := loadOptions([]string{"-h"}, func(string) string { return "" }, &usage); !errors.Is(err, errHelp) {
		tb.Fatalf("-h: %v", err)
	}
	flags := map[string]string{}
	re := regexp.MustCompile(`(?m)^\s+-(\S+-addr) string\n(?:.*\n)*?.*\(default "([^"]+)"\)`)
	for _, m := range re.FindAllStringSubmatch(usage.String(), -1) {
		flags[m[1]] = m[2]
	}
	if len(flags) < 5 {
		tb.Fatalf("found listener flags %v in the usage text, want every -…-addr flag", flags)
	}
	return flags
}

// startBinary runs the binary with every listener on a free port (never a
// default one: tests must pass while an emulator runs with its defaults)
// and returns the endpoints it printed, by name.
func startBinary(t *testing.T, bin string, extra ...string) (*exec.Cmd, map[string]string) {
	t.Helper()
	cmd := exec.Command(bin, append(freePortArgs(t), extra...)...)
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

// freePortArgs puts every listener of the binary on a port the system
// chooses.
func freePortArgs(tb testing.TB) []string {
	tb.Helper()
	var args []string
	for name := range addrFlags(tb) {
		args = append(args, "-"+name, "127.0.0.1:0")
	}
	return args
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

// TestNoDefaultPortsInTests holds every default listener address of the
// binary, as an emulator started with `go run ./cmd/iotemu` does, and
// starts the binary the way the other tests do: it must still start (no
// test binds a default port; the library and testkit default to port 0).
func TestNoDefaultPortsInTests(t *testing.T) {
	for name, addr := range addrFlags(t) {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Logf("-%s default %s already held (%v): fine, that is the case under test", name, addr, err)
			continue
		}
		t.Cleanup(func() { _ = ln.Close() })
	}
	cmd, eps := startBinary(t, buildBinary(t))
	defaults := addrFlags(t)
	for name, url := range eps {
		for flagName, addr := range defaults {
			if _, port, _ := strings.Cut(addr, ":"); strings.HasSuffix(url, ":"+port) || strings.Contains(url, ":"+port+"/") {
				t.Errorf("endpoint %s %s uses the default port of -%s", name, url, flagName)
			}
		}
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
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
