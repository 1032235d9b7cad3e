package broker

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/clock"
	"github.com/iotemu/iotemu/faults"
	"github.com/iotemu/iotemu/internal/authz"
	"github.com/iotemu/iotemu/internal/mqttapi"
	"github.com/iotemu/iotemu/rules"
)

// Config is what the composition root hands the broker.
type Config struct {
	Limits Limits // defaulted and validated by the root (LimitsWithDefaults, ValidateLimits)
	Compat Compat
	Logger *slog.Logger
	// Authz is strict mode's authorizer; nil in permissive mode, where
	// every check is one nil test.
	Authz *authz.Authorizer
	// AuthNow is the clock of custom authorizers' deadlines; nil: time.Now.
	AuthNow func() time.Time
	// Clock is the source of time of keep-alive, session and message
	// expiry and the custom-auth and WebSocket deadlines (clock.go); nil is
	// the wall clock.
	Clock clock.Clock
	// Rules receives every message published by any path, off the publish
	// path (rules_dispatch.go); Now stamps their receive time.
	Rules RulesEngine
	Now   func() time.Time
	// Faults are the injected faults (package faults); nil: none.
	Faults *faults.Engine
	// Reserved are the services' handlers of what clients publish on a
	// reserved topic family ("shadow"…, reserved.go), by family.
	Reserved map[string]func(ctx context.Context, m mqttapi.Message)
	// RefuseCertificate, when set, is asked at CONNECT, before any other
	// rule, about the certificate a TLS client presented; true closes the
	// connection without a CONNACK. The root's just-in-time registration
	// answers it (AWS registers the certificate and disconnects the client).
	RefuseCertificate func(cert *x509.Certificate) bool
	// Store, when set (-data-dir), keeps persistent sessions, their queued
	// QoS 1 messages and retained messages across restarts (store.go);
	// nil keeps them in memory only.
	Store Store
}

// Compat holds the broker's deviations from AWS (the root's Compat and
// AuthCompat fields of the same names).
type Compat struct {
	GrantQoS1OnV5QoS2Subscribe bool
	ReservedTopicAckV5         bool
	AllowDollarClientID        bool
	AnonymousPrincipal         string
	DisconnectOnDeniedV5       bool // strict mode (AuthCompat)
}

// RulesEngine is what the broker needs of the rules engine.
type RulesEngine interface {
	Matches(topic string) bool
	Handle(ctx context.Context, m rules.Message) ([]rules.Result, error)
}

// Listener IDs of the MQTT connections: the root binds mqtt and mqtt-tls;
// WebSocket clients arrive through ServeWebSocket.
const (
	ListenerMQTT    = "mqtt"
	ListenerMQTTTLS = "mqtt-tls"
	listenerWS      = "ws"
	listenerWSS     = "wss"
)

// Broker is the emulated AWS IoT Core message broker: mochi with the
// emulator's hook, the connection registry and lifecycle events.
type Broker struct {
	cfg        Config
	log        *slog.Logger
	broker     *mqtt.Server
	inline     *mqtt.Client // mochi's inline client, the sender of emulator-made messages
	inlineSubs atomic.Int64 // last inline subscription ID handed out

	ctx    context.Context // the base context of what clients' publishes start; cancelled by Close
	cancel context.CancelFunc

	reserved   *reservedTable
	conns      *registry       // MQTT connections, for lifecycle events and the connection APIs
	direct     *directMessages // SendDirectMessage calls waiting for a PUBACK
	ruleQueue  *ruleDispatch   // runs the rules off the publish path
	authTimers *deadlineTimers // custom authorizers' refresh/disconnect deadlines (authtimers.go)
	auth       *authCore       // strict mode's authorisation; nil in permissive mode (authz.go)
	drops      dropCounter     // deliveries dropped to subscribers that stopped reading (backpressure.go)
	clock      clock.Clock     // Config.Clock, never nil
	expiry     *fakeExpiry     // session and message expiry on a fake clock; nil on the wall clock (clock.go)

	mqttLns map[string]*connListener // by mochi listener ID, set by Serve
	store   *storeHook               // nil without a Store
}

// New prepares the broker; nothing is served until Serve. Its base
// context, the parent of every context it starts (rules, authorizer
// invocations, reserved-topic handlers), begins here and ends with Close.
func New(cfg Config) (*Broker, error) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Broker{cfg: cfg, log: cfg.Logger, ctx: ctx, cancel: cancel, reserved: newReservedTable(),
		conns: newRegistry(), direct: newDirectMessages()}
	s.initClock(cfg.Clock)
	for family, fn := range cfg.Reserved {
		s.reserved.handle(family, fn)
	}
	if cfg.Authz != nil {
		s.auth = &authCore{s: s, z: cfg.Authz}
	}
	s.authTimers = newDeadlineTimers(s)
	s.ruleQueue = newRuleDispatch(s.ctx, cfg.Rules, s.log.With("component", "rules"), cfg.Now)
	broker, err := newBroker(s)
	if err != nil {
		cancel()
		return nil, err
	}
	s.broker = broker
	s.inline, _ = broker.Clients.Get(mqtt.InlineClientId) // present: Options.InlineClient is set
	return s, nil
}

// Serve hands the bound MQTT sockets (by listener ID, ListenerMQTT and
// ListenerMQTTTLS; TLS already applied) to mochi and starts the rules'
// workers. WebSocket clients arrive through ServeWebSocket under the IDs
// ws and wss.
func (s *Broker) Serve(lns map[string]net.Listener) error {
	s.mqttLns = map[string]*connListener{
		listenerWS:  newConnListener(listenerWS, nil, s.newConn),
		listenerWSS: newConnListener(listenerWSS, nil, s.newConn),
	}
	for id, ln := range lns {
		s.mqttLns[id] = newConnListener(id, ln, s.newConn)
	}
	for _, l := range s.mqttLns {
		if err := s.broker.AddListener(l); err != nil {
			return fmt.Errorf("add listener %s: %w", l.ID(), err)
		}
	}
	if err := s.broker.Serve(); err != nil { // restores the Store's sessions and retained messages
		return fmt.Errorf("serve mqtt: %w", err)
	}
	s.ruleQueue.start()
	if s.store != nil {
		if err := s.store.redeliverAccepted(); err != nil {
			return fmt.Errorf("serve mqtt: %w", err)
		}
	}
	return nil
}

// Close ends every connection, closes mochi and stops the rules' workers
// and the custom authorizers' deadlines; it waits for what it owns.
func (s *Broker) Close() error {
	s.authTimers.close()
	if s.expiry != nil {
		s.expiry.close()
	}
	s.disconnectAll()
	var err error
	if cerr := s.broker.Close(); cerr != nil {
		err = fmt.Errorf("close mqtt: %w", cerr)
	}
	s.ruleQueue.stop()
	s.cancel()
	return err
}

// disconnectAll ends every MQTT connection before mochi closes: clients
// get DISCONNECT "Server shutting down" (MQTT 5), then every socket closes,
// including those still before CONNECT, and each listener waits until the
// broker has returned its connections.
func (s *Broker) disconnectAll() {
	for _, cl := range s.broker.Clients.GetAll() {
		if !cl.Net.Inline && !cl.Closed() {
			_ = s.broker.DisconnectClient(cl, packets.ErrServerShuttingDown) // the socket closes next anyway
		}
	}
	for _, l := range s.mqttLns {
		l.shutdown()
	}
}

// ClientCount is the number of clients mochi holds (for Close's log).
func (s *Broker) ClientCount() int { return s.broker.Clients.Len() }

// ServeConn runs one MQTT connection accepted elsewhere (the root's
// ALPN-choosing TLS listener) under a listener ID given to Serve with a
// nil listener, on the caller's goroutine until the broker is done with it.
func (s *Broker) ServeConn(listenerID string, c net.Conn) error {
	l, ok := s.mqttLns[listenerID]
	if !ok {
		_ = c.Close() // nobody will serve it
		return fmt.Errorf("serve connection: no listener %s", listenerID)
	}
	return l.serve(s.broker.EstablishConnection, s.newConn(c))
}
