package main

import (
	"errors"
	"flag"
	"fmt"
	"github.com/iotemu/iotemu/clock"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/lambdafn"
)

// options are the binary's settings, from flags and IOTEMU_* variables.
type options struct {
	emulator  emulator.Config
	logLevel  slog.Level
	logFormat string // text or json
	version   bool
	health    string   // -healthcheck URL: probe a running emulator and exit
	fixtures  []string // fixtures files to apply at start
}

// Default addresses of the binary; the library defaults to 127.0.0.1:0.
const (
	defaultMQTTAddr    = "127.0.0.1:1883"
	defaultMQTTTLSAddr = "127.0.0.1:8883"
	defaultHTTPAddr    = "127.0.0.1:8080"
	defaultHTTPSAddr   = "127.0.0.1:8443"
	defaultAPIGWAddr   = "127.0.0.1:3001" // serverless-offline's websocketPort
	// AWS's port 443 (HTTPS, WSS, MQTT by ALPN), on an unprivileged port.
	defaultHTTPSALPNAddr = "127.0.0.1:4443"
)

// errHelp reports that -h was given and usage was printed.
var errHelp = errors.New("help requested")

// errReported marks an error the flag package has already printed, with
// the usage: main exits without printing it a second time.
var errReported = errors.New("already reported")

// logLevels are the names -log-level accepts.
var logLevels = []string{"debug", "info", "warn", "error"}

// loadOptions parses args over the environment: a flag wins over its
// IOTEMU_ variable, which wins over the default.
func loadOptions(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("iotemu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(name, def string) string {
		if v := getenv("IOTEMU_" + name); v != "" {
			return v
		}
		return def
	}
	c := &o.emulator
	fs.StringVar(&c.MQTT.Addr, "mqtt-addr", env("MQTT_ADDR", defaultMQTTAddr), "MQTT over TCP address, or \"off\" (IOTEMU_MQTT_ADDR)")
	fs.StringVar(&c.MQTTTLS.Addr, "mqtt-tls-addr", env("MQTT_TLS_ADDR", defaultMQTTTLSAddr), "MQTT over TLS address, or \"off\" (IOTEMU_MQTT_TLS_ADDR)")
	fs.StringVar(&c.HTTP.Addr, "http-addr", env("HTTP_ADDR", defaultHTTPAddr), "HTTP address (iot-data, /mqtt WebSocket, /health), or \"off\" (IOTEMU_HTTP_ADDR)")
	fs.StringVar(&c.HTTPS.Addr, "https-addr", env("HTTPS_ADDR", defaultHTTPSAddr), "HTTPS address, or \"off\" (IOTEMU_HTTPS_ADDR)")
	fs.StringVar(&c.HTTPSALPN.Addr, "https-alpn-addr", env("HTTPS_ALPN_ADDR", defaultHTTPSALPNAddr),
		"AWS's port 443: HTTPS and wss:// without a client-certificate request (browsers), MQTT with mTLS for ALPN x-amzn-mqtt-ca, or \"off\" (IOTEMU_HTTPS_ALPN_ADDR)")
	fs.StringVar(&c.APIGateway.Addr, "apigw-addr", env("APIGW_ADDR", defaultAPIGWAddr), "API Gateway WebSocket APIs and @connections address, or \"off\" (IOTEMU_APIGW_ADDR)")
	fs.StringVar(&c.Region, "region", env("REGION", "us-east-1"), "AWS region in ARNs (IOTEMU_REGION)")
	fs.StringVar(&c.AccountID, "account-id", env("ACCOUNT_ID", "123456789012"), "AWS account ID in ARNs (IOTEMU_ACCOUNT_ID)")
	fs.StringVar(&c.TLS.CACertFile, "tls-ca-cert", env("TLS_CA_CERT", ""), "PEM CA certificate to use (IOTEMU_TLS_CA_CERT) (default: a CA generated at start)")
	fs.StringVar(&c.TLS.CAKeyFile, "tls-ca-key", env("TLS_CA_KEY", ""), "PEM private key of -tls-ca-cert (IOTEMU_TLS_CA_KEY)")
	fs.StringVar(&c.TLS.CertFile, "tls-cert", env("TLS_CERT", ""), "PEM server certificate to serve (IOTEMU_TLS_CERT) (default: issued by the CA for localhost, 127.0.0.1, ::1 and -tls-hosts)")
	fs.StringVar(&c.TLS.KeyFile, "tls-key", env("TLS_KEY", ""), "PEM private key of -tls-cert (IOTEMU_TLS_KEY)")
	fs.StringVar(&c.AdvertisedHost, "advertised-host", env("ADVERTISED_HOST", "localhost"), "host (or host:port) DescribeEndpoint returns to clients (IOTEMU_ADVERTISED_HOST)")
	fs.StringVar(&c.DataDir, "data-dir", env("DATA_DIR", ""),
		"keep the registry, certificates and CA, shadows, retained messages, MQTT persistent sessions, topic rules, authorizers, jobs, provisioning templates, WebSocket APIs, tags and account settings in this directory across restarts; not live connections, faults or the clock (IOTEMU_DATA_DIR) (default: memory only)")
	fs.StringVar(&c.CertsDir, "certs-dir", env("CERTS_DIR", ""), "folder receiving the fixtures' certificates, keys and the CA (IOTEMU_CERTS_DIR)")
	fs.StringVar(&c.TLS.WriteCAFile, "tls-write-ca", env("TLS_WRITE_CA", ""), "write the CA certificate (PEM) to this file at start (IOTEMU_TLS_WRITE_CA) (default: none; always served at /ca.pem)")
	hosts := fs.String("tls-hosts", env("TLS_HOSTS", ""), "comma-separated extra host names or IPs for the server certificate (IOTEMU_TLS_HOSTS)")
	fs.BoolVar(&c.Compat.RequireClientCertificate, "tls-require-client-cert", env("TLS_REQUIRE_CLIENT_CERT", "") == "true",
		"refuse TLS clients without a certificate, as AWS does (IOTEMU_TLS_REQUIRE_CLIENT_CERT=true) (default: off)")
	finishActions := actionFlags(fs, env, &c.Actions)
	finishAuth := authFlags(fs, env, &c.Auth)
	lambdaEndpoints := fs.String("lambda-endpoints", env("LAMBDA_ENDPOINTS", ""),
		"per-function Lambda Invoke API endpoints, e.g. onconnect=http://127.0.0.1:9000,broadcast=http://127.0.0.1:9001, tried before -lambda-endpoint; the bare name goes in the path (IOTEMU_LAMBDA_ENDPOINTS)")
	fixturesFlag := fs.String("fixtures", env("FIXTURES", ""), "comma-separated fixtures files (YAML/JSON: shadows, rules, apis, registry, authorizers) applied at start (IOTEMU_FIXTURES) (default: none)")
	level := fs.String("log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (IOTEMU_LOG_LEVEL)")
	fs.StringVar(&o.logFormat, "log-format", env("LOG_FORMAT", "text"), "text or json: the log's lines as logfmt text or one JSON object each (IOTEMU_LOG_FORMAT)")
	clockMode := fs.String("clock", env("CLOCK", "real"), "real (the wall clock) or manual (stands still until POST /iotemu/clock {\"advance\":\"5m\"}) (IOTEMU_CLOCK)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.StringVar(&o.health, "healthcheck", "", "GET this /health URL, exit 0 if healthy (for container HEALTHCHECK)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, errHelp
		}
		return o, fmt.Errorf("%w: %w", errReported, err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if !slices.Contains(logLevels, strings.ToLower(*level)) || o.logLevel.UnmarshalText([]byte(*level)) != nil {
		return o, fmt.Errorf("-log-level: got %q, want one of %s", *level, strings.Join(logLevels, ", "))
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return o, fmt.Errorf("-log-format: got %q, want text or json", o.logFormat)
	}
	switch strings.ToLower(*clockMode) {
	case "real":
	case "manual":
		c.Clock = clock.NewFake(time.Now())
	default:
		return o, fmt.Errorf("-clock: got %q, want real or manual", *clockMode)
	}
	if *fixturesFlag != "" {
		o.fixtures = strings.Split(*fixturesFlag, ",")
	}
	if err := finishActions(); err != nil {
		return o, err
	}
	if err := finishAuth(); err != nil {
		return o, err
	}
	eps, err := lambdafn.ParseEndpoints(*lambdaEndpoints)
	if err != nil {
		return o, fmt.Errorf("-lambda-endpoints: %w", err)
	}
	c.Lambda.Endpoints = eps
	if *hosts != "" {
		c.TLS.Hosts = strings.Split(*hosts, ",")
	}
	for _, l := range []*emulator.ListenerConfig{&c.MQTT, &c.MQTTTLS, &c.HTTP, &c.HTTPS, &c.HTTPSALPN, &c.APIGateway} {
		if l.Addr == "off" {
			l.Addr, l.Disabled = "", true
		}
	}
	return o, nil
}
