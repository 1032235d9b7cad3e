package emulator

import (
	"errors"
	"fmt"
	"github.com/iotemu/iotemu/clock"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/internal/broker"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions"
)

// Config configures a Server. The zero value is a working emulator bound to
// 127.0.0.1 on ports chosen by the system, with AWS's defaults.
type Config struct {
	MQTT    ListenerConfig // MQTT over TCP (AWS offers TLS only; plain TCP is a local convenience)
	MQTTTLS ListenerConfig // MQTT over TLS with client certificates (AWS port 8883)
	HTTP    ListenerConfig // iot-data API, MQTT over WebSocket at /mqtt, /health, /ca.pem
	HTTPS   ListenerConfig // the same over TLS, asking every client for a certificate (AWS port 8443)
	// HTTPSALPN is AWS's port 443 (alpn.go): HTTPS and MQTT over WSS without
	// a client-certificate request, MQTT with mTLS for ALPN x-amzn-mqtt-ca,
	// HTTPS with mTLS for ALPN x-amzn-http-ca. Browsers use it for wss://.
	HTTPSALPN ListenerConfig
	// APIGateway serves API Gateway WebSocket APIs and @connections (apigw.go).
	APIGateway ListenerConfig

	// APIGatewayAPIs are the WebSocket APIs, in-process Lambda functions
	// and limits of the API Gateway mimic.
	APIGatewayAPIs APIGatewayConfig

	TLS TLSConfig

	// Region and AccountID appear in ARNs and endpoint names.
	Region    string // default "us-east-1"
	AccountID string // default "123456789012"

	// Version is reported by /health; the binary stamps it.
	Version string

	// AdvertisedHost is what DescribeEndpoint returns: the host clients
	// reach the emulator by (default "localhost", which the generated
	// server certificate covers). AWS returns a bare host name; a
	// "host:port" here is returned as given.
	AdvertisedHost string

	// CertsDir, when set, receives the certificates the fixtures generate
	// (certificate PEM, private and public key) and the CA, at New.
	CertsDir string

	// Auth selects permissive (default) or strict mode and the SigV4
	// credentials the emulator accepts (auth_config.go).
	Auth AuthConfig

	Limits Limits
	Compat Compat

	// HTTPTimeouts bound the HTTP listeners' connections (httpserver.go).
	HTTPTimeouts HTTPTimeouts

	// Fixtures are applied by New: shadows seeded, rules created. With a
	// DataDir, only to a new one (a restart finds them in it).
	Fixtures *fixtures.Set

	// DataDir, when set, keeps the emulator's state in this directory
	// (internal/datadir, one bbolt file) so that a restart finds it again:
	// the registry, certificates and the CA, policies, shadows, retained
	// messages, MQTT persistent sessions, topic rules and destinations,
	// custom authorizers, jobs and job templates, provisioning templates,
	// apigatewayv2 APIs, tags and the account's settings (event and
	// indexing configurations, logging options, domain configurations).
	// Not live connections, faults or the clock. Every change is committed
	// before it is acknowledged. Empty (the default) keeps everything in
	// memory.
	// A directory another emulator has open, or one of another format
	// version, makes New fail.
	DataDir string
	// DataDirLockTimeout is how long New waits for another process to
	// release DataDir (default datadir.DefaultLockTimeout, 2 s).
	DataDirLockTimeout time.Duration

	// Rules are added by New, before the fixtures: rules defined in Go, with
	// any rules.Action (a rules.Recorder, a rules.ActionFunc).
	Rules []rules.Rule

	// Actions configures the rules' service actions (lambda, http, sqs,
	// s3...): AWS-compatible endpoints, credentials, timeout, HTTP
	// destination confirmation. Region and AccountID are taken from this
	// Config; without endpoints, service requests are recorded, not sent.
	Actions actions.Config

	// Lambda runs functions as commands or at per-function endpoints, for
	// every caller (functions.go).
	Lambda LambdaConfig

	// ActionRecords is the number of action executions kept for
	// ActionRecords and GET /iotemu/actions (default DefaultActionRecords).
	ActionRecords int

	// Clock is the source of time of every time-dependent behaviour:
	// keep-alive, session, message and retained-message expiry, the
	// thing-type deprecation wait, job timeouts and rollouts, custom
	// authorizers' and presigned WebSockets' lifetimes, API Gateway's idle
	// and 2 h limits, SigV4 date windows, certificate validity; nil means
	// the wall clock. A *clock.Fake lets a test Advance time instead of
	// waiting (docs/compatibility.md lists what stays on the wall clock).
	Clock clock.Clock

	// Now is the clock of the services' timestamps (shadow metadata, rules'
	// timestamp()); nil means Clock.Now. Tests inject one to get exact
	// documents.
	Now func() time.Time

	// NewUUID generates the rules' newuuid() values; nil means random
	// version 4 UUIDs. Tests inject one to get exact outputs.
	NewUUID func() string

	// Logger receives the emulator's logs; nil discards them.
	Logger *slog.Logger
}

// ListenerConfig is one listening socket.
type ListenerConfig struct {
	Addr     string // host:port; default "127.0.0.1:0"
	Disabled bool   // do not open this listener
}

// TLSConfig says where the TLS listeners' certificates come from. By default
// a CA is generated at start and issues the server certificate.
type TLSConfig struct {
	// CACertFile and CAKeyFile load the CA instead of generating one, so
	// that device certificates survive restarts.
	CACertFile, CAKeyFile string
	// CertFile and KeyFile load the server certificate instead of issuing
	// one from the CA.
	CertFile, KeyFile string
	// Hosts are extra DNS names or IP addresses for the generated server
	// certificate, besides localhost, 127.0.0.1 and ::1.
	Hosts []string
	// WriteCAFile, when set, receives the CA certificate in PEM at start.
	WriteCAFile string
}

// Compat holds deliberate deviations from AWS, each named so that tests can
// switch the emulator back to AWS's behaviour. The zero value is iotemu's
// default; docs/compatibility.md lists every field.
type Compat struct {
	// RequireClientCertificate makes the TLS listeners refuse clients
	// without a certificate, as AWS does on 8883 and 8443. Off by default so
	// that clients can connect before the registry exists to issue them one.
	RequireClientCertificate bool

	// GrantQoS1OnV5QoS2Subscribe answers an MQTT 5 SUBSCRIBE asking for
	// QoS 2 with a SUBACK granting QoS 1. By default no SUBACK is sent, as
	// AWS's list of differences from the specification says; AWS's SUBACK
	// table suggests the grant instead (docs/compatibility.md "QoS 2").
	GrantQoS1OnV5QoS2Subscribe bool

	// ReservedTopicAckV5 answers an MQTT 5 client's forbidden publish or
	// subscribe on a $ topic with PUBACK/SUBACK 0x87 and keeps the
	// connection. By default the connection ends with DISCONNECT 0x90
	// (publish) or 0x8F (subscribe) and a CLIENT_ERROR lifecycle event,
	// as observed on AWS (docs/compatibility.md; the v5 code is unconfirmed).
	ReservedTopicAckV5 bool

	// AllowDollarClientID admits client IDs starting with $, which AWS
	// reserves for its own generated IDs; by default they are refused with
	// CONNACK "identifier rejected" (docs/compatibility.md, unconfirmed).
	AllowDollarClientID bool

	// AnonymousPrincipal is the principalIdentifier of lifecycle events for
	// a connection without a client certificate; default: the account ID.
	// (AWS uses the certificate ID, or an IAM form for SigV4: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect)
	AnonymousPrincipal string

	// RuleNotFoundAsResourceNotFound answers GetTopicRule, ReplaceTopicRule,
	// DeleteTopicRule, EnableTopicRule and DisableTopicRule of a missing rule
	// with ResourceNotFoundException (404), as moto and LocalStack do, instead
	// of AWS's UnauthorizedException (401) "Access to topic rule ... was
	// denied" (docs/compatibility.md "Rules engine").
	RuleNotFoundAsResourceNotFound bool

	// ECDSAKeysAndCertificate makes CreateKeysAndCertificate generate an
	// ECDSA P-256 key pair (PKCS#8) instead of AWS's RSA 2048-bit one
	// (PKCS#1): microseconds instead of tens of milliseconds per call.
	ECDSAKeysAndCertificate bool

	// Rules holds the rules engine's switches for points where AWS's
	// behaviour is unconfirmed (rules.Compat).
	Rules rules.Compat
}

const (
	defaultAddr      = "127.0.0.1:0"
	defaultRegion    = "us-east-1"
	defaultAccountID = "123456789012"
)

var (
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	accountPattern = regexp.MustCompile(`^\d{12}$`)
)

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	for _, l := range []*ListenerConfig{&c.MQTT, &c.MQTTTLS, &c.HTTP, &c.HTTPS, &c.HTTPSALPN, &c.APIGateway} {
		if l.Addr == "" {
			l.Addr = defaultAddr
		}
	}
	if c.Region == "" {
		c.Region = defaultRegion
	}
	c.HTTPTimeouts = c.HTTPTimeouts.withDefaults()
	if c.AccountID == "" {
		c.AccountID = defaultAccountID
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.AdvertisedHost == "" {
		c.AdvertisedHost = "localhost"
	}
	c.Limits = broker.LimitsWithDefaults(c.Limits)
	if c.Compat.AnonymousPrincipal == "" {
		c.Compat.AnonymousPrincipal = c.AccountID
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.Clock = clock.OrReal(c.Clock)
	if c.Now == nil {
		c.Now = c.Clock.Now
	}
	if c.Auth.Now == nil {
		c.Auth.Now = c.Clock.Now
	}
	return c
}

// validate reports every problem of a defaulted config at once.
func (c Config) validate() error {
	var errs []error
	for _, l := range c.listeners() {
		if l.cfg.Disabled {
			continue
		}
		if _, _, err := net.SplitHostPort(l.cfg.Addr); err != nil {
			errs = append(errs, fmt.Errorf("%s address %q: %w", l.name, l.cfg.Addr, err))
		}
	}
	if !regionPattern.MatchString(c.Region) {
		errs = append(errs, fmt.Errorf("region %q is not an AWS region name", c.Region))
	}
	if !accountPattern.MatchString(c.AccountID) {
		errs = append(errs, fmt.Errorf("account ID %q is not 12 digits", c.AccountID))
	}
	if (c.TLS.CACertFile == "") != (c.TLS.CAKeyFile == "") {
		errs = append(errs, errors.New("CA certificate and key files go together"))
	}
	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		errs = append(errs, errors.New("server certificate and key files go together"))
	}
	if strings.Contains(c.AdvertisedHost, "/") || strings.ContainsAny(c.AdvertisedHost, " \t") {
		errs = append(errs, fmt.Errorf("advertised host %q is not a host or host:port", c.AdvertisedHost))
	}
	errs = append(errs, broker.ValidateLimits(c.Limits)...)
	errs = append(errs, c.Auth.validate()...)
	return errors.Join(errs...)
}

// namedListener pairs a listener's config with the name used in logs and
// errors.
type namedListener struct {
	name string
	cfg  ListenerConfig
}

func (c Config) listeners() []namedListener {
	return []namedListener{{"mqtt", c.MQTT}, {"mqtt-tls", c.MQTTTLS}, {"http", c.HTTP}, {"https", c.HTTPS},
		{listenerHTTPSALPN, c.HTTPSALPN}, {listenerAPIGateway, c.APIGateway}}
}
