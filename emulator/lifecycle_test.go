package emulator_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"

	paho3 "github.com/eclipse/paho.mqtt.golang"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// TestCloseLeavesNothingRunning: after clients on every transport, Close
// returns with every goroutine of the server gone, and again returns nil.
func TestCloseLeavesNothingRunning(t *testing.T) {
	before := runtime.NumGoroutine()
	srv, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, broker := range []string{srv.Endpoints().MQTT, srv.Endpoints().WebSocket} {
		c := paho3.NewClient(paho3.NewClientOptions().AddBroker(broker).SetClientID("c" + broker[:2]).SetAutoReconnect(false))
		if tok := c.Connect(); !tok.WaitTimeout(wait) || tok.Error() != nil {
			t.Fatalf("connect %s: %v", broker, tok.Error())
		}
		defer c.Disconnect(0)
	}
	hc := &http.Client{Transport: &http.Transport{}}
	resp, err := hc.Post(srv.HTTPURL()+"/topics/x", "", strings.NewReader("y"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	hc.CloseIdleConnections()

	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := srv.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := srv.Close(ctx); err != nil {
		t.Fatalf("second close: %v", err)
	}
	testkit.Eventually(t, wait, func() error {
		if n := runtime.NumGoroutine(); n > before {
			return fmt.Errorf("%d goroutines, %d before the server", n, before)
		}
		return nil
	})
	if err := srv.Start(context.Background()); err == nil {
		t.Fatal("start after close: got nil, want an error")
	}
}

// TestTwoServersAreIndependent: a message published on one server never
// reaches the other, and closing one leaves the other serving.
func TestTwoServersAreIndependent(t *testing.T) {
	t.Parallel()
	a, b := testkit.Start(t), testkit.Start(t)
	inA, inB := a.Subscribe(t, "shared/#"), b.Subscribe(t, "shared/#")
	a.Connect(t, "same-id").Publish(t, "shared/t", 1, false, []byte("to a"))
	b.Connect(t, "same-id").Publish(t, "shared/t", 1, false, []byte("to b"))
	if got := inA.Next(t, wait); string(got.Payload) != "to a" {
		t.Fatalf("server a got %q, want %q", got.Payload, "to a")
	}
	if got := inB.Next(t, wait); string(got.Payload) != "to b" {
		t.Fatalf("server b got %q, want %q", got.Payload, "to b")
	}
	if err := a.Server().Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.Connect(t, "after").Publish(t, "shared/t", 0, false, []byte("still"))
	if got := inB.Next(t, wait); string(got.Payload) != "still" {
		t.Fatalf("got %q, want %q", got.Payload, "still")
	}
}

// TestConfigErrors: New reports invalid settings instead of failing later.
func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]emulator.Config{
		"bad address":    {MQTT: emulator.ListenerConfig{Addr: "no-port"}},
		"bad region":     {Region: "Mars"},
		"bad account":    {AccountID: "42"},
		"CA without key": {TLS: emulator.TLSConfig{CACertFile: "ca.pem"}},
	} {
		if _, err := emulator.New(cfg); err == nil {
			t.Errorf("%s: got nil, want an error", name)
		}
	}
}

// TestStartPortInUse: Start fails cleanly when a port is taken, leaving the
// other listeners closed.
func TestStartPortInUse(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	srv, err := emulator.New(emulator.Config{HTTP: emulator.ListenerConfig{Addr: emu.Server().MQTTAddr()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err == nil {
		t.Fatal("got nil, want an address-in-use error")
	}
	if err := srv.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkStartClose measures a fresh emulator per test: New, Start with
// every listener bound, and Close.
func BenchmarkStartClose(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		srv, err := emulator.New(emulator.Config{})
		if err != nil {
			b.Fatal(err)
		}
		if err := srv.Start(ctx); err != nil {
			b.Fatal(err)
		}
		if err := srv.Close(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPeerMochiStartClose is the peer of BenchmarkStartClose: a bare
// mochi broker with one TCP listener, what any mochi-based emulator pays.
func BenchmarkPeerMochiStartClose(b *testing.B) {
	for b.Loop() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := mqtt.New(&mqtt.Options{Logger: slog.New(slog.DiscardHandler)})
		if err := srv.AddHook(new(allowAll), nil); err != nil {
			b.Fatal(err)
		}
		if err := srv.AddListener(listeners.NewNet("t", ln)); err != nil {
			b.Fatal(err)
		}
		if err := srv.Serve(); err != nil {
			b.Fatal(err)
		}
		if err := srv.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// allowAll is the smallest mochi auth hook that admits every client.
type allowAll struct{ mqtt.HookBase }

func (allowAll) ID() string { return "allow" }
func (allowAll) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}
func (allowAll) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }
func (allowAll) OnACLCheck(*mqtt.Client, string, bool) bool              { return true }
