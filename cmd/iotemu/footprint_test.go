//go:build linux

package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// maxIdleRSS is issue 18's goal for the binary started with its defaults
// (25 MB; about 22.7 MB measured on 2026-12-02, docs/benchmarks.md
// "Footprint").
const maxIdleRSS = 25_000_000

// TestIdleFootprint: the stripped static binary, as the image ships it,
// started with its defaults (every listener on a free port) and healthy,
// stays under maxIdleRSS once its resident size stops moving.
func TestIdleFootprint(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "iotemu")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd, eps := startBinary(t, bin)
	resp, err := http.Get(eps[epHTTP] + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/health answered %d", resp.StatusCode)
	}
	rss := settledRSS(t, cmd.Process.Pid)
	t.Logf("idle VmRSS %d bytes (goal %d)", rss, maxIdleRSS)
	if rss > maxIdleRSS {
		t.Errorf("idle RSS is %d bytes, over %d (issue 18's goal): see docs/benchmarks.md \"Footprint\" for what costs", rss, maxIdleRSS)
	}
}

// settledRSS polls VmRSS until two readings 200 ms apart differ by less
// than 1% (start-up work done), within 10 s; it returns the last one.
func settledRSS(t *testing.T, pid int) int64 {
	t.Helper()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	last := vmRSS(t, pid)
	for {
		select {
		case <-deadline:
			return last
		case <-tick.C:
		}
		now := vmRSS(t, pid)
		if d := now - last; d*100 < now && -d*100 < now {
			return now
		}
		last = now
	}
}

// vmRSS reads VmRSS of /proc/PID/status, in bytes.
func vmRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmRSS %q: %v", v, err)
			}
			return kb * 1024
		}
	}
	t.Fatal("no VmRSS in /proc status")
	return 0
}
