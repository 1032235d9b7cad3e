package emulator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/faults"
	"github.com/iotemu/iotemu/internal/apigwv2"
	"github.com/iotemu/iotemu/internal/authz"
	"github.com/iotemu/iotemu/internal/broker"
	"github.com/iotemu/iotemu/internal/certs"
	"github.com/iotemu/iotemu/internal/controlplane"
	"github.com/iotemu/iotemu/internal/customauth"
	"github.com/iotemu/iotemu/jobs"
	"github.com/iotemu/iotemu/lambdafn"
	"github.com/iotemu/iotemu/provisioning"
	iotreg "github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions"
	"github.com/iotemu/iotemu/shadow"
	"github.com/iotemu/iotemu/tagging"
)

// Server is one emulated AWS IoT Core endpoint: the MQTT broker and the
// HTTPS data plane. Servers share no state; any number run in one process.
type Server struct {
	cfg    Config
	log    *slog.Logger
	broker *broker.Broker // the MQTT broker (broker.go)
	ca     *certs.Authority
	tls    *tls.Config
	http   http.Handler

	shadows     *shadow.Service
	rules       *rules.Engine
	actions     *actions.Env   // the rules' service actions
	records     *actionRecords // the latest action executions
	matches     *ruleMatches   // the latest rule matches (rule_matches.go)
	console     consoleFeeds   // the web console's live feeds (console.go)
	apigw       *apigw.Server
	iotreg      *iotreg.Registry // things, certificates, policies (controlplane.go)
	control     *controlplane.ControlPlane
	tags        *tagging.Store // the tags of every taggable resource (controlplane.go)
	fleet       *fleet         // fleet index and dynamic thing groups (fleetindex.go)
	functions   *lambdafn.Registry
	commands    *lambdafn.Commands // functions run as processes (functions.go)
	invoker     *lambdafn.Invoker  // the one way every caller invokes a function (functions.go)
	jobs        *jobs.Service      // AWS IoT Jobs (jobs.go)
	events      *controlplane.EventConfigurations
	apigwv2     *apigwv2.Service    // the apigatewayv2 control plane of the mimic (apigw.go)
	authorizers *customauth.Store   // custom authorizers (authorizers.go)
	customAuth  *customauth.Service // authentication by them (authorizers.go)
	authz       *authz.Authorizer   // strict mode's authorisation; nil in permissive mode (authconfig.go)
	faults      *faults.Engine      // injected faults (faults.go)
	sim         *authz.Authorizer   // TestAuthorization's and the credentials provider's: authz, or one on the same config (controlplane.go)
	trust       trustPool           // the CAs client certificates are verified against (catrust.go)
	// provisionJIT runs a CA's provisioning template for a certificate
	// registered just in time (JITP); nil: none (jitr.go).
	provisionJIT jitProvisioner
	persist      *persistence // Config.DataDir; nil in memory (persist.go)

	provisioning *provisioning.Service // fleet provisioning (provisioning.go)

	mu      sync.Mutex
	state   lifecycle
	bound   map[string]net.Listener // by listener name, set by Start
	servers []*http.Server
	serving sync.WaitGroup // http.Server.Serve goroutines and WebSocket clients
	closed  chan struct{}  // closed once Close has finished
	// stopTimers ends the goroutine driving the jobs' timers (jobs.go).
	stopTimers context.CancelFunc
	err        error // Close's result, returned again to later callers
}

type lifecycle int

const (
	created lifecycle = iota
	started
	closing
)

// Listener names, also mochi's listener IDs.
const (
	listenerMQTT       = broker.ListenerMQTT
	listenerMQTTTLS    = broker.ListenerMQTTTLS
	listenerHTTP       = "http"
	listenerHTTPS      = "https"
	listenerAPIGateway = "apigw"
	listenerHTTPSALPN  = "https-alpn" // AWS's port 443 (alpn.go)
	listenerMQTTALPN   = "mqtt-alpn"  // its MQTT connections, as mochi sees them
)

// New validates cfg and prepares a Server; nothing listens until Start.
func New(cfg Config) (srv *Server, err error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("invalid config: %w", err)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, closed: make(chan struct{}), faults: faults.New(), console: newConsoleFeeds()}
	if s.persist, err = openDataDir(cfg); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = s.persist.close() // New's error is the one to report
		}
	}()
	if err := s.setupTLS(); err != nil {
		return nil, err
	}
	s.fleet = newFleet(cfg.Now)
	if err := s.newIoTRegistry(); err != nil {
		return nil, err
	}
	z, err := newAuthz(s)
	if err != nil {
		return nil, err
	}
	s.authz = z
	s.newAuthorizers()
	if err := s.newFunctions(); err != nil {
		return nil, err
	}
	if err := s.newShadows(); err != nil {
		return nil, err
	}
	if err := s.newRules(); err != nil {
		return nil, err
	}
	if err := s.newJobs(); err != nil {
		return nil, err
	}
	if err := s.newProvisioning(); err != nil {
		return nil, err
	}
	if err := s.newControlPlane(); err != nil {
		return nil, err
	}
	if err := s.newAPIGateway(); err != nil {
		return nil, err
	}
	if err := s.newBroker(); err != nil {
		return nil, err
	}
	if err := s.feedConnectivity(); err != nil {
		return nil, err
	}
	s.http = s.routes()
	ctx := context.Background() // New takes none: restoring and fixtures are in-memory work
	if err := s.restoreDataDir(ctx); err != nil {
		return nil, err
	}
	if s.persist == nil || s.persist.fresh {
		if err := s.Apply(ctx, cfg.Fixtures); err != nil {
			return nil, err
		}
	} else if err := s.applyFixtureConfig(cfg.Fixtures); err != nil {
		return nil, err
	}
	if err := s.persist.initialized(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) setupTLS() error {
	now := time.Now()
	var err error
	if s.cfg.TLS.CACertFile != "" {
		s.ca, err = certs.LoadAuthority(s.cfg.TLS.CACertFile, s.cfg.TLS.CAKeyFile)
	} else {
		s.ca, err = s.persist.authority(func() (*certs.Authority, error) { return certs.NewAuthority("iotemu CA", now) })
	}
	if err != nil {
		return fmt.Errorf("set up CA: %w", err)
	}
	var serverCert tls.Certificate
	if s.cfg.TLS.CertFile != "" {
		serverCert, err = tls.LoadX509KeyPair(s.cfg.TLS.CertFile, s.cfg.TLS.KeyFile)
	} else {
		hosts := append([]string{"localhost", "127.0.0.1", "::1"}, s.cfg.TLS.Hosts...)
		serverCert, err = s.ca.IssueServer(hosts, now)
	}
	if err != nil {
		return fmt.Errorf("set up server certificate: %w", err)
	}
	// Client certificates are verified by verifyClientCertificate
	// (catrust.go) against CAs registered at run time. No ClientCAs: the
	// CertificateRequest names no CA, as AWS's (a device certificate of
	// any CA is sent, JITR needs that; Go clients send none that matches
	// no named CA).
	clientAuth := tls.RequestClientCert
	if s.cfg.Compat.RequireClientCertificate {
		clientAuth = tls.RequireAnyClientCert
	}
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/transport-security.html#transport-security (TLS 1.2 and 1.3 only).
	s.tls = &tls.Config{
		Certificates: []tls.Certificate{serverCert},
		ClientAuth:   clientAuth,
		MinVersion:   tls.VersionTLS12,

		VerifyPeerCertificate: s.verifyClientCertificate,
	}
	return nil
}

// Start binds every enabled listener and starts serving. It returns once all
// of them accept connections, or with the first error, leaving nothing open.
func (s *Server) Start(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != created {
		return errors.New("start: server already started or closed")
	}
	if s.cfg.TLS.WriteCAFile != "" {
		if err := s.ca.WriteFile(s.cfg.TLS.WriteCAFile); err != nil {
			return err
		}
	}
	bound, err := bindAll(s.cfg)
	if err != nil {
		return err
	}
	s.bound = bound
	// The API Gateway first: its error returns with nothing else serving
	// (Close, in the created state, closes apigw).
	if err := s.serveAPIGateway(); err != nil {
		closeAll(bound)
		return err
	}
	if err := s.serveBroker(); err != nil {
		closeAll(bound)
		return err
	}
	s.serveHTTP()
	if ln, ok := bound[listenerHTTPSALPN]; ok {
		s.serveALPN(ln) //nolint:contextcheck // its goroutines outlive Start; Close ends them
	}
	timers, stop := context.WithCancel(context.WithoutCancel(ctx)) // outlives Start; Close stops it
	s.stopTimers = stop
	s.serving.Go(func() { s.runJobTimers(timers) })
	s.serving.Go(func() { s.runProvisioningTimers(timers) })
	s.state = started
	s.log.Debug("started", "endpoints", s.endpointsLocked())
	return nil
}

// bindAll opens every enabled listener, or none.
func bindAll(cfg Config) (map[string]net.Listener, error) {
	bound := map[string]net.Listener{}
	for _, l := range cfg.listeners() {
		if l.cfg.Disabled {
			continue
		}
		ln, err := net.Listen("tcp", l.cfg.Addr)
		if err != nil {
			closeAll(bound)
			return nil, fmt.Errorf("listen %s on %s: %w", l.name, l.cfg.Addr, err)
		}
		bound[l.name] = ln
	}
	return bound, nil
}

func closeAll(bound map[string]net.Listener) {
	for _, ln := range bound {
		_ = ln.Close() // closing a listener we own; its error has no consequence
	}
}

// serveBroker hands the MQTT sockets to the broker. WebSocket clients
// arrive through the HTTP listeners (handleWebSocket).
func (s *Server) serveBroker() error {
	lns := map[string]net.Listener{}
	if ln, ok := s.bound[listenerMQTT]; ok {
		lns[listenerMQTT] = ln
	}
	if ln, ok := s.bound[listenerMQTTTLS]; ok {
		lns[listenerMQTTTLS] = tls.NewListener(ln, s.mqttTLSConfig())
	}
	if _, ok := s.bound[listenerHTTPSALPN]; ok {
		lns[listenerMQTTALPN] = nil // its connections come from serveALPN (broker.ServeConn)
	}
	return s.broker.Serve(lns)
}

func (s *Server) serveHTTP() {
	for _, name := range []string{listenerHTTP, listenerHTTPS} {
		ln, ok := s.bound[name]
		if !ok {
			continue
		}
		srv := s.newHTTPServer(s.http)
		if name == listenerHTTPS {
			srv.TLSConfig = s.httpsTLSConfig()
			ln = tls.NewListener(ln, srv.TLSConfig)
		}
		s.servers = append(s.servers, srv)
		s.serving.Go(func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("http server stopped", "listener", name, "error", err)
			}
		})
	}
}

// Close stops every listener, disconnects every client and waits for every
// goroutine the Server started. It is safe to call more than once and
// returns the first call's result. If ctx ends first, Close returns ctx's
// error and logs what is still running.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	switch s.state {
	case created:
		s.state = closing
		_ = s.apigw.Close(ctx)                  // never started: nothing to wait for
		s.err = errors.Join(s.commands.Close(), // an invocation before Start may have started a process
			s.persist.close())
		close(s.closed)
		s.mu.Unlock()
		return s.err
	case closing:
		s.mu.Unlock()
		<-s.closed
		return s.err
	}
	s.state = closing
	s.mu.Unlock()

	var errs []error
	s.console.stop() // its live feeds end, so that Shutdown does not wait for them
	s.shutdownHTTP(ctx)
	if err := s.closeAPIGateway(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := s.commands.Close(); err != nil {
		errs = append(errs, fmt.Errorf("stop functions: %w", err))
	}
	if err := s.broker.Close(); err != nil {
		errs = append(errs, err)
	}
	s.stopTimers()
	if err := s.jobs.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close jobs: %w", err))
	}
	if err := s.provisioning.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close provisioning: %w", err))
	}
	if err := s.waitServing(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := s.persist.close(); err != nil { // last: everything above may still write
		errs = append(errs, err)
	}
	s.err = errors.Join(errs...)
	close(s.closed)
	return s.err
}

// httpShutdownGrace is how long requests in flight may take to finish
// at Close before their connections are closed: a request whose body
// stops half-way must not hold shutdown (issue 13).
const httpShutdownGrace = 500 * time.Millisecond

// shutdownHTTP stops the HTTP servers together: each finishes the
// requests in flight within httpShutdownGrace (or ctx), then closes what
// is left.
func (s *Server) shutdownHTTP(ctx context.Context) {
	grace, cancel := context.WithTimeout(ctx, httpShutdownGrace)
	defer cancel()
	var wg sync.WaitGroup
	for _, srv := range s.servers {
		wg.Go(func() {
			if err := srv.Shutdown(grace); err != nil {
				s.log.Debug("http requests still in flight at shutdown; closed", "error", err)
				_ = srv.Close() // closes the listener and every connection; nothing left to report
			}
		})
	}
	wg.Wait()
}

// waitServing waits for the Server's goroutines, logging after a few
// seconds what is still running, as httptest does.
func (s *Server) waitServing(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.serving.Wait()
		close(done)
	}()
	slow := time.NewTimer(5 * time.Second)
	defer slow.Stop()
	for {
		select {
		case <-done:
			return nil
		case <-slow.C:
			s.log.Warn("close is waiting for connections", "clients", s.broker.ClientCount())
		case <-ctx.Done():
			return fmt.Errorf("wait for connections: %w", ctx.Err())
		}
	}
}

// CACertificatePEM returns the CA certificate that signs the server
// certificate (and, in tests, client certificates), in PEM form.
func (s *Server) CACertificatePEM() []byte { return s.ca.CertPEM }

// CAPool returns a pool holding the emulator's CA, for clients' RootCAs.
func (s *Server) CAPool() *x509.CertPool { return s.ca.Pool() }

// IssueClientCertificate issues a client certificate signed by the
// emulator's CA, which the TLS listeners accept.
func (s *Server) IssueClientCertificate(commonName string) (tls.Certificate, error) {
	// Valid from before both the wall clock and the emulator's clock, so
	// that a fake clock set in the past still finds it valid.
	c, err := s.ca.IssueClient(commonName, earliest(time.Now(), s.cfg.Clock.Now()))
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("issue client certificate: %w", err)
	}
	return c, nil
}

// earliest returns the earlier of two times.
func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
