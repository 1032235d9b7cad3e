package provisioning

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
)

// Config configures a Service. Region, AccountID and Registry are
// required.
type Config struct {
	Region    string
	AccountID string
	// Registry holds the resources templates provision.
	Registry Registry
	// Invoker runs pre-provisioning hooks; nil makes a template with a
	// hook fail provisioning.
	Invoker Invoker
	// Now is the clock of creation dates, ownership tokens and claims;
	// nil means time.Now.
	Now func() time.Time
	// HookTimeout bounds a pre-provisioning hook; 0 means AWS's 5 s.
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/pre-provisioning-hook.html#pre-provisioning-hook
	HookTimeout time.Duration
	// Logger receives a line per operation; nil discards.
	Logger *slog.Logger
}

// Service holds the provisioning templates of one account and region, the
// outstanding certificate ownership tokens and provisioning claims. It is
// safe for concurrent use.
type Service struct {
	cfg Config
	log *slog.Logger

	mu        sync.Mutex
	closed    bool
	templates map[string]*template
	tokens    map[string]ownership // by token
	claims    map[string]claim     // by certificate ID
	seq       int64

	// run serialises provisioning runs, so that two devices provisioning
	// the same thing do not both create it.
	runMu sync.Mutex
}

// ownership is what a certificate ownership token stands for.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#create-keys-cert
type ownership struct {
	certID  string
	issued  time.Time
	claimID string // the certificate that asked for it, if known
}

// claim is a temporary claim certificate of CreateProvisioningClaim.
type claim struct {
	template string
	expires  time.Time
}

// New checks cfg and returns an empty service.
func New(cfg Config) (*Service, error) {
	if cfg.Region == "" || cfg.AccountID == "" || cfg.Registry == nil {
		return nil, errors.New("new provisioning: Region, AccountID and Registry are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HookTimeout <= 0 {
		cfg.HookTimeout = hookTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{
		cfg: cfg, log: cfg.Logger,
		templates: map[string]*template{}, tokens: map[string]ownership{}, claims: map[string]claim{},
	}, nil
}

// Close makes every later call fail with ErrClosed; it is idempotent.
func (s *Service) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}

// lock takes the service's lock, or fails after Close.
func (s *Service) lock() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	return nil
}

// TemplateARN is a template's ARN.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#fleet-provision-template
func (s *Service) TemplateARN(name string) string {
	return awsid.ARN("iot", s.cfg.Region, s.cfg.AccountID, "provisioningtemplate/"+name)
}

func (s *Service) arn(resource string) string {
	return awsid.ARN("iot", s.cfg.Region, s.cfg.AccountID, resource)
}

// Reset forgets every template, ownership token and claim (the
// emulator's POST /iotemu/reset of the registry).
func (s *Service) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.templates = map[string]*template{}
	s.tokens = map[string]ownership{}
	s.claims = map[string]claim{}
}
