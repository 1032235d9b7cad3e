// Command baremochi is the peer of the binary's scale test and start-up
// benchmark (cmd/iotemu/scale_test.go, startup_bench_test.go): a mochi
// broker as its README starts one — its defaults, one TCP listener, an
// allow-all hook — and nothing of iotemu. It lives under testdata so that
// `go build ./...`, `go vet ./...` and the layering test do not see it
// (only internal/broker may import mochi); the tests build it by path.
//
//	baremochi -addr 127.0.0.1:0
//
// prints "listening ADDR" once the listener is bound and serves until
// SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "TCP listener address (a free port by default: the peer never takes MQTT's 1883)")
	flag.Parse()
	if err := run(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "baremochi:", err)
		os.Exit(1)
	}
}

func run(addr string) error {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	// mochi logs every connection at Info; the peer of a benchmark keeps
	// only warnings, as iotemu does by default.
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := mqtt.New(&mqtt.Options{InlineClient: true, Logger: log})
	if err := srv.AddHook(new(allowAll), nil); err != nil {
		return fmt.Errorf("allow hook: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if err := srv.AddListener(listeners.NewNet("tcp", ln)); err != nil {
		return fmt.Errorf("listener: %w", err)
	}
	if err := srv.Serve(); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Println("listening", ln.Addr())
	<-stop
	if err := srv.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

// allowAll admits every client and every topic, as mochi's auth.AllowHook
// does (that package would add a YAML dependency to the module).
type allowAll struct{ mqtt.HookBase }

func (allowAll) ID() string { return "allow-all" }
func (allowAll) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}
func (allowAll) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }
func (allowAll) OnACLCheck(*mqtt.Client, string, bool) bool              { return true }
