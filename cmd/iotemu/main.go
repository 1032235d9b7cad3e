// Command iotemu runs an offline emulator of AWS IoT Core: the MQTT broker
// on TCP, TLS and WebSocket, and the iot-data HTTPS API.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/fixtures"
)

// version is stamped at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

// shutdownGrace bounds a clean shutdown after SIGINT or SIGTERM.
const shutdownGrace = 2 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, errHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "iotemu:", err)
		os.Exit(1)
	}
}

// run starts the emulator and serves until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := loadOptions(args, getenv, stderr)
	if err != nil {
		return err
	}
	if o.version {
		fmt.Fprintln(stdout, "iotemu", version)
		return nil
	}
	if o.health != "" {
		return probe(ctx, o.health)
	}
	cfg := o.emulator
	cfg.Version = version
	if cfg.Fixtures, err = loadFixtures(o.fixtures); err != nil {
		return err
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: o.logLevel}))
	srv, err := emulator.New(cfg)
	if err != nil {
		return err
	}
	if err := srv.Start(ctx); err != nil {
		return err
	}
	printEndpoints(stdout, srv.Endpoints())
	<-ctx.Done()
	closeCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Close(closeCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	fmt.Fprintln(stdout, "iotemu stopped")
	return nil
}

// loadFixtures reads and merges fixtures files.
func loadFixtures(paths []string) (*fixtures.Set, error) {
	set := &fixtures.Set{}
	for _, p := range paths {
		s, err := fixtures.Load(os.DirFS(filepath.Dir(p)), filepath.Base(p))
		if err != nil {
			return nil, fmt.Errorf("-fixtures: %w", err)
		}
		set.Merge(s)
	}
	return set, nil
}

// printEndpoints tells the user where to point clients, one line each.
func printEndpoints(w io.Writer, e emulator.Endpoints) {
	fmt.Fprintf(w, "iotemu %s ready\n", version)
	for _, l := range []struct{ name, url string }{
		{"MQTT", e.MQTT},
		{"MQTT over TLS", e.MQTTTLS},
		{"MQTT over WebSocket", e.WebSocket},
		{"MQTT over WebSocket (TLS)", e.WebSocketTLS},
		{"HTTP (iot-data --endpoint-url)", e.HTTP},
		{"HTTPS", e.HTTPS},
		{"HTTPS and wss:// (port 443)", e.HTTPSALPN},
		{"MQTT, ALPN x-amzn-mqtt-ca", e.MQTTALPN},
		{"API Gateway WebSocket", e.APIGateway},
	} {
		if l.url != "" {
			fmt.Fprintf(w, "  %-31s %s\n", l.name, l.url)
		}
	}
	if e.HTTP != "" {
		fmt.Fprintf(w, "  %-31s %s/ca.pem\n", "CA certificate", e.HTTP)
	}
	if e.APIGateway != "" {
		fmt.Fprintf(w, "  %-31s http%s/{stage}\n", "@connections --endpoint-url", strings.TrimPrefix(e.APIGateway, "ws"))
	}
}

// probe GETs a /health URL; the container image has no shell or curl.
func probe(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: status %s", resp.Status)
	}
	return nil
}
