package apigw

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Server serves WebSocket APIs and their @connections management API on
// one port. Servers share no state; any number run in one process.
type Server struct {
	cfg      Config
	log      *slog.Logger
	upgrader websocket.Upgrader
	base     context.Context // integrations' context; cancelled when Close gives up waiting
	cancel   context.CancelFunc

	mu      sync.Mutex
	apis    map[string]*api  // by stage
	conns   map[string]*conn // established connections by ID
	gone    chan struct{}    // closed and replaced when a connection unregisters (reset.go)
	closing bool
	ln      net.Listener
	http    *http.Server
	wg      sync.WaitGroup // handshakes, connections' readers and writers, $disconnect calls
	done    chan struct{}  // closed when Close has finished
	err     error          // Close's result
}

// api is an added API with its parsed selection expression.
type api struct {
	API
	sel    *selector
	routes map[string]Route
}

// New validates cfg and prepares a Server. Serve it with Start, or mount
// Handler in a server of your own (then frames over 32 KB are not detected).
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Limits.validate(); err != nil {
		return nil, fmt.Errorf("invalid config: %w", err)
	}
	s := &Server{
		cfg:   cfg,
		log:   cfg.Logger,
		apis:  map[string]*api{},
		conns: map[string]*conn{}, gone: make(chan struct{}),
		done: make(chan struct{}),
		// AWS performs no origin check, and never picks a subprotocol
		// itself: Subprotocols stays nil (docs/compatibility.md "API Gateway WebSocket mimic").
		upgrader: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
	}
	s.base, s.cancel = context.WithCancel(context.Background())
	for i, a := range cfg.APIs {
		if err := s.AddAPI(a); err != nil {
			return nil, fmt.Errorf("apis[%d]: %w", i, err)
		}
	}
	return s, nil
}

// AddAPI adds a WebSocket API, served at /{Stage}; zero fields get their
// defaults. Stages are unique per Server.
func (s *Server) AddAPI(a API) error {
	ap, err := s.prepare(a)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.apis[ap.Stage]; taken {
		return fmt.Errorf("api %s: stage %q is already served by another API", ap.ID, ap.Stage)
	}
	s.apis[ap.Stage] = ap
	return nil
}

// prepare fills a's defaults, validates it and binds its functions.
func (s *Server) prepare(a API) (*api, error) {
	if a.ID == "" {
		a.ID = newAPIID()
	}
	if a.Stage == "" {
		a.Stage = "prod"
	}
	if a.RouteSelectionExpression == "" {
		a.RouteSelectionExpression = "$request.body.action"
	}
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("api %s: %w", a.ID, err)
	}
	sel, err := parseSelector(a.RouteSelectionExpression)
	if err != nil {
		return nil, fmt.Errorf("api %s: %w", a.ID, err)
	}
	ap := &api{API: a, sel: sel, routes: map[string]Route{}}
	for _, r := range a.Routes {
		r.Integration = bind(r.Integration, s.cfg.Functions)
		ap.routes[r.Key] = r
	}
	if a.Authorizer != nil {
		auth := *a.Authorizer
		auth.Integration = bind(auth.Integration, s.cfg.Functions)
		ap.Authorizer = &auth
	}
	return ap, nil
}

// APIs returns the APIs served, with their defaults filled in.
func (s *Server) APIs() []API {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]API, 0, len(s.apis))
	for _, a := range s.apis {
		out = append(out, a.API)
	}
	return out
}

// Start listens on Config.Addr and serves until Close.
func (s *Server) Start(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.cfg.Addr, err)
	}
	if err := s.StartOn(ln); err != nil {
		_ = ln.Close() // ours, never served
		return err
	}
	return nil
}

// StartOn serves ln, which the Server then owns, until Close. Frames over
// the frame limit are detected on ln's connections.
func (s *Server) StartOn(ln net.Listener) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing || s.ln != nil {
		return errors.New("start: server already started or closed")
	}
	s.ln = ln
	h := s.Handler()
	if s.cfg.TLS != nil {
		h = withTLSState(h)
	}
	read, idle := s.cfg.HTTPReadTimeout, s.cfg.HTTPIdleTimeout
	if read == 0 {
		read = 30 * time.Second
	}
	if idle == 0 {
		idle = 60 * time.Second
	}
	s.http = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       read,
		IdleTimeout:       idle,
		ConnContext:       withFrameConn,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	srv, fl := s.http, &frameListener{Listener: ln, tls: s.cfg.TLS}
	s.wg.Go(func() {
		if err := srv.Serve(fl); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("apigw server stopped", "error", err)
		}
	})
	return nil
}

// Addr returns host:port of the listener Start bound, or "".
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// URL returns ws://host:port of the started server; an API is at URL()+"/"+stage.
func (s *Server) URL() string {
	if a := s.Addr(); a != "" {
		return "ws://" + a
	}
	return ""
}

// TLSURL returns wss://host:port of the started server when Config.TLS is
// set (the same port as URL: each connection is sniffed), else "".
func (s *Server) TLSURL() string {
	if a := s.Addr(); a != "" && s.cfg.TLS != nil {
		return "wss://" + a
	}
	return ""
}

// ManagementURL returns http://host:port/{stage}, the BaseEndpoint of an
// apigatewaymanagementapi client and the --endpoint-url of the AWS CLI.
func (s *Server) ManagementURL(stage string) string {
	if a := s.Addr(); a != "" {
		return "http://" + a + "/" + stage
	}
	return ""
}
