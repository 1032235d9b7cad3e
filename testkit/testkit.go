package testkit

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/emulator"
)

// serve keeps a failing test's emulator running, as httptest's -httptest.serve.
// The flag is registered only when it appears on the command line, as
// net/http/httptest does, so that importing testkit adds nothing to the flag
// set of a program or test binary that does not ask for it.
var serve bool

func init() {
	if serveRequested(os.Args[1:]) {
		flag.BoolVar(&serve, "testkit.serve", false, "keep the emulator of a failing test running, and block")
	}
}

// serveRequested reports whether args name -testkit.serve (with one or two
// dashes, with or without a value).
func serveRequested(args []string) bool {
	for _, a := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "testkit.serve" {
			return true
		}
	}
	return false
}

// closeTimeout bounds the emulator's shutdown at the end of a test.
const closeTimeout = 10 * time.Second

// Emulator is a running iotemu in this test process.
type Emulator struct {
	srv *emulator.Server
}

// Start starts an emulator for tb and closes it when tb ends.
func Start(tb testing.TB, opts ...Option) *Emulator {
	tb.Helper()
	st := settings{logLevel: defaultLogLevel}
	for _, o := range opts {
		o(&st)
	}
	cfg := st.config
	set := st.loadFixtures(tb)
	if cfg.Fixtures != nil {
		set.Merge(cfg.Fixtures)
	}
	cfg.Fixtures = set
	logs := newTBHandler(tb, st.logLevel)
	if st.logger != nil {
		cfg.Logger = st.logger
	} else {
		cfg.Logger = logs.logger()
	}
	srv, err := emulator.New(cfg)
	if err != nil {
		tb.Fatalf("testkit: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	if err := srv.Start(ctx); err != nil {
		tb.Fatalf("testkit: %v", err)
	}
	e := &Emulator{srv: srv}
	tb.Cleanup(func() { e.close(tb, logs) })
	return e
}

func (e *Emulator) close(tb testing.TB, logs *tbHandler) {
	tb.Helper()
	if serve && tb.Failed() {
		tb.Logf("testkit: -testkit.serve: emulator kept running at %+v", e.srv.Endpoints())
		select {}
	}
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	if err := e.srv.Close(ctx); err != nil {
		tb.Errorf("testkit: close: %v", err)
	}
	logs.stop()
}

// Server returns the emulator itself, for what the handle does not wrap.
func (e *Emulator) Server() *emulator.Server { return e.srv }

// MQTTURL returns the MQTT over TCP URL, "mqtt://127.0.0.1:port", which
// paho (both versions) accepts as a broker address.
func (e *Emulator) MQTTURL() string { return e.srv.Endpoints().MQTT }

// MQTTTLSURL returns the MQTT over TLS URL, "mqtts://127.0.0.1:port".
func (e *Emulator) MQTTTLSURL() string { return e.srv.Endpoints().MQTTTLS }

// WebSocketURL returns the MQTT over WebSocket URL, "ws://127.0.0.1:port/mqtt".
func (e *Emulator) WebSocketURL() string { return e.srv.Endpoints().WebSocket }

// WebSocketTLSURL returns "wss://127.0.0.1:port/mqtt".
func (e *Emulator) WebSocketTLSURL() string { return e.srv.Endpoints().WebSocketTLS }

// Endpoint returns the HTTP base URL, the BaseEndpoint of an AWS SDK client
// (iotdataplane) or the --endpoint-url of the AWS CLI.
func (e *Emulator) Endpoint() string { return e.srv.Endpoints().HTTP }

// HTTPSEndpoint returns the HTTPS base URL.
func (e *Emulator) HTTPSEndpoint() string { return e.srv.Endpoints().HTTPS }

// CAPool returns a pool with the emulator's CA, for a client's RootCAs.
func (e *Emulator) CAPool() *x509.CertPool { return e.srv.CAPool() }

// ClientCertificate issues a client certificate signed by the emulator's
// CA, which its TLS listeners accept.
func (e *Emulator) ClientCertificate(tb testing.TB, commonName string) tls.Certificate {
	tb.Helper()
	c, err := e.srv.IssueClientCertificate(commonName)
	if err != nil {
		tb.Fatalf("testkit: %v", err)
	}
	return c
}

// TLSConfig returns a client TLS configuration that trusts the emulator and
// presents a fresh client certificate with the given common name.
func (e *Emulator) TLSConfig(tb testing.TB, commonName string) *tls.Config {
	tb.Helper()
	return &tls.Config{
		RootCAs:      e.CAPool(),
		Certificates: []tls.Certificate{e.ClientCertificate(tb, commonName)},
		MinVersion:   tls.VersionTLS12,
	}
}

// Publish publishes m from inside the emulator, as the HTTP data plane does.
func (e *Emulator) Publish(tb testing.TB, m emulator.Message) {
	tb.Helper()
	if err := e.srv.Publish(context.Background(), m); err != nil {
		tb.Fatalf("testkit: %v", err)
	}
}

// Subscribe returns an Inbox receiving every message published to a topic
// matching filter, observed inside the emulator without an MQTT client.
func (e *Emulator) Subscribe(tb testing.TB, filter string) *Inbox {
	tb.Helper()
	in := newInbox()
	unsubscribe, err := e.srv.Subscribe(filter, func(m emulator.Message) {
		in.add(Message{Topic: m.Topic, Payload: m.Payload, QoS: m.QoS, Retained: m.Retain})
	})
	if err != nil {
		tb.Fatalf("testkit: %v", err)
	}
	tb.Cleanup(unsubscribe)
	return in
}
