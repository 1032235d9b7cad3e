package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// BenchmarkStartToReady: from exec to the first successful answer, for the
// binary with its defaults (every listener; CA and server certificate
// generated): its first GET /health 200 and its first CONNACK, polled
// together; for the peers, a bare mochi broker process
// (testdata/baremochi) and Debian's mosquitto, their first CONNACK. Each
// iteration starts a process and kills it (not timed). docs/benchmarks.md
// records the figures.
func BenchmarkStartToReady(b *testing.B) {
	b.Run("iotemu", func(b *testing.B) {
		bin := buildBinary(b)
		flags := freePortArgs(b) // then the two polled listeners on ports chosen here
		benchStart(b, func(mqttPort, httpPort int) *exec.Cmd {
			return exec.Command(bin, append(flags, "-mqtt-addr", loopback(mqttPort), "-http-addr", loopback(httpPort))...)
		}, true)
	})
	b.Run("mochi", func(b *testing.B) {
		bin := buildPeerMochi(b)
		benchStart(b, func(mqttPort, _ int) *exec.Cmd { return exec.Command(bin, "-addr", loopback(mqttPort)) }, false)
	})
	b.Run("mosquitto", func(b *testing.B) {
		bin := "/usr/sbin/mosquitto"
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("CI") != "" {
				b.Fatalf("%s not installed; .ci/run installs mosquitto", bin)
			}
			b.Skip("mosquitto not installed")
		}
		conf := filepath.Join(b.TempDir(), "mosquitto.conf")
		benchStart(b, func(mqttPort, _ int) *exec.Cmd {
			if err := os.WriteFile(conf, fmt.Appendf(nil, "listener %d 127.0.0.1\nallow_anonymous true\n", mqttPort), 0o600); err != nil {
				b.Fatal(err)
			}
			return exec.Command(bin, "-c", conf)
		}, false)
	})
}

func loopback(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

// benchStart runs command b.N times on fresh free ports and reports the
// time from exec to the first CONNACK (ns/op), and to the first /health
// 200 when health is set.
func benchStart(b *testing.B, command func(mqttPort, httpPort int) *exec.Cmd, health bool) {
	b.Helper()
	var toHealth, toConnack time.Duration
	for b.Loop() {
		b.StopTimer()
		mqttPort, httpPort := freePort(b), freePort(b)
		cmd := command(mqttPort, httpPort)
		b.StartTimer()
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		healthy := make(chan time.Duration, 1)
		if health {
			go func() { healthy <- firstSuccess(start, func() bool { return healthOK(loopback(httpPort)) }) }()
		}
		toConnack += firstSuccess(start, func() bool { return connackOK(loopback(mqttPort)) })
		if health {
			toHealth += <-healthy
		}
		b.StopTimer()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		b.StartTimer()
	}
	if health {
		b.ReportMetric(float64(toHealth.Microseconds())/1000/float64(b.N), "ms-to-health")
	}
	b.ReportMetric(float64(toConnack.Microseconds())/1000/float64(b.N), "ms-to-connack")
}

// freePort is a loopback port nobody listens on now (the process started
// next binds it; a lost race shows as a start that never answers).
func freePort(b *testing.B) int {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// firstSuccess polls ok every 200 µs and returns the time from start to
// its first true; it panics after 30 s (a benchmark's goroutine may not
// call Fatal).
func firstSuccess(start time.Time, ok func() bool) time.Duration {
	tick := time.NewTicker(200 * time.Microsecond)
	defer tick.Stop()
	for !ok() {
		if time.Since(start) > 30*time.Second {
			panic("process not ready after 30 s")
		}
		<-tick.C
	}
	return time.Since(start)
}

var healthClient = &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

func healthOK(addr string) bool {
	resp, err := healthClient.Get("http://" + addr + "/health")
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// connackOK connects an MQTT 3.1.1 client and reports whether it got a
// CONNACK accepting it.
func connackOK(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write(mqttConnect("ready")); err != nil {
		return false
	}
	ack := make([]byte, 4)
	_, err = io.ReadFull(c, ack)
	return err == nil && ack[0] == 0x20 && ack[3] == 0
}
