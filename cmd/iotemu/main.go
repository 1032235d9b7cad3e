// Command iotemu runs an offline emulator of AWS IoT Core: the MQTT broker
// on TCP, TLS and WebSocket, and the iot-data HTTPS API.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/fixtures"
)

// version is stamped at build time: -ldflags "-X main.version=v1.2.3"
// (make build). Unstamped, the binary reports the module version `go
// install` recorded: see buildVersion.
var version = "dev"

// buildVersion is the stamped version, else the module's, else "dev".
func buildVersion() string {
	if version != "dev" {
		return version
	}
	return moduleVersion(version)
}

// moduleVersion returns the main module's version from the build info
// (v0.1.0 after `go install github.com/iotemu/iotemu/cmd/iotemu@v0.1.0`),
// or def for a build from a working tree.
func moduleVersion(def string) string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return def
}

// shutdownGrace bounds a clean shutdown after SIGINT or SIGTERM.
const shutdownGrace = 2 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode reports err once (the flag package has printed its own) and
// returns the process's exit status.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errReported):
		return 2 // the flag package printed it, with the usage
	default:
		fmt.Fprintln(stderr, "iotemu:", err)
		return 1
	}
}

// run starts the emulator and serves until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := loadOptions(args, getenv, stderr)
	if err != nil {
		return err
	}
	if o.version {
		fmt.Fprintln(stdout, "iotemu", buildVersion())
		return nil
	}
	if o.health != "" {
		return probe(ctx, o.health)
	}
	cfg := o.emulator
	cfg.Version = buildVersion()
	if cfg.Fixtures, err = loadFixtures(o.fixtures); err != nil {
		return err
	}
	cfg.Logger = newLogger(stderr, o.logLevel, o.logFormat)
	srv, err := emulator.New(cfg)
	if err != nil {
		return err
	}
	if err := srv.Start(ctx); err != nil {
		return err
	}
	printEndpoints(stdout, srv.Endpoints())
	<-ctx.Done()
	// ctx is done by now; the shutdown keeps its values, not its end.
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
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
		// The file as the user gave it (absolute, relative, with ..): the
		// error names it so.
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("-fixtures: %w", err)
		}
		s, err := fixtures.Parse(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("-fixtures %s: %w", p, err)
		}
		set.Merge(s)
	}
	return set, nil
}

// printEndpoints tells the user where to point clients, one line each.
func printEndpoints(w io.Writer, e emulator.Endpoints) {
	fmt.Fprintf(w, "iotemu %s ready\n", buildVersion())
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
		{"API Gateway WebSocket (TLS)", e.APIGatewayTLS},
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
	if e.APIGatewayTLS != "" {
		fmt.Fprintf(w, "  %-31s https%s/{stage}\n", "@connections over TLS", strings.TrimPrefix(e.APIGatewayTLS, "wss"))
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

// newLogger writes the log as logfmt text or as one JSON object a line.
func newLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
