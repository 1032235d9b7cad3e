package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Config configures a Service. Region and AccountID are required; every
// other zero field takes its default.
type Config struct {
	// Region and AccountID build ARNs: arn:aws:iot:{Region}:{AccountID}:job/{id}.
	Region    string
	AccountID string
	// Publisher receives replies, notifications and events. Nil drops them.
	Publisher Publisher
	// Targets resolves thing and thing-group targets. Nil accepts every
	// thing target without a check and treats every group as empty.
	Targets Targets
	// Fetcher fetches documentSource documents. Nil makes CreateJob and
	// CreateJobTemplate with a documentSource fail with
	// InvalidRequestException (no S3 endpoint configured).
	Fetcher DocumentFetcher
	// Presigner substitutes presigned-URL placeholders. Nil leaves the
	// placeholders in the document as they are.
	Presigner Presigner
	// EventsEnabled reports whether an event type (EventJob,
	// EventJobExecution) is enabled. Nil disables every event, the AWS
	// default (UpdateEventConfigurations lives elsewhere).
	EventsEnabled func(eventType string) bool
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// NewUUID returns event IDs. Nil means random UUIDs.
	NewUUID func() string
	// Logger receives debug logs and failed publishes. Nil discards.
	Logger *slog.Logger
	// Limits are the AWS quotas; zero fields take AWS's values.
	Limits Limits
	// Commit, when set, is called after every change and before any
	// message about it (an accepted reply, jobs/notify, an event) is
	// published, with no lock held: the data directory writes the change
	// there, so that what a device was told survives a crash. When it
	// fails, nothing is published (the device sees no accepted reply).
	Commit func(ctx context.Context) error
}

// Limits are the Jobs quotas. A zero field means the AWS value.
type Limits struct {
	// MaxDocumentBytes bounds an inline job document. Default 32768.
	// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#iot-CreateJob-request-document
	MaxDocumentBytes int
	// MaxTargets bounds the targets of CreateJob and AssociateTargetsWithJob.
	// Default 100 (AssociateTargetsWithJob: "total ... no more than 100").
	// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_AssociateTargetsWithJob.html#API_AssociateTargetsWithJob_RequestSyntax
	MaxTargets int
	// MaxPendingInNotify bounds the executions listed in jobs/notify. Default 10.
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-comm-notifications.html#jobs-comm-notifications-types
	MaxPendingInNotify int
	// MaxMQTTPayloadBytes bounds a device request. Default 131072, the AWS
	// IoT message size limit.
	// AWS: https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits
	MaxMQTTPayloadBytes int
}

// withDefaults returns cfg with every zero field replaced by its default.
func (cfg Config) withDefaults() Config {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewUUID == nil {
		cfg.NewUUID = uuid.NewString
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.EventsEnabled == nil {
		cfg.EventsEnabled = func(string) bool { return false }
	}
	l := &cfg.Limits
	setDefault(&l.MaxDocumentBytes, 32768)
	setDefault(&l.MaxTargets, 100)
	setDefault(&l.MaxPendingInNotify, 10)
	setDefault(&l.MaxMQTTPayloadBytes, 128*1024)
	return cfg
}

func setDefault(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}

var (
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	accountPattern = regexp.MustCompile(`^\d{12}$`)
)

// Service is the AWS IoT Jobs service. It is safe for concurrent use: one
// mutex guards all state, and no lock is held while calling the Publisher,
// Targets, DocumentFetcher or Presigner, so they may call back into it.
type Service struct {
	cfg Config
	log *slog.Logger

	mu        sync.Mutex
	closed    bool
	jobs      map[string]*job
	templates map[string]*template
	byThing   map[string]map[string]bool // thing -> job IDs with executions
	seq       int64
}

// New validates cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	cfg = cfg.withDefaults()
	var errs []error
	if !regionPattern.MatchString(cfg.Region) {
		errs = append(errs, fmt.Errorf("region %q is not an AWS region name", cfg.Region))
	}
	if !accountPattern.MatchString(cfg.AccountID) {
		errs = append(errs, fmt.Errorf("account ID %q is not 12 digits", cfg.AccountID))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("jobs config: %w", err)
	}
	return &Service{
		cfg:       cfg,
		log:       cfg.Logger.With("component", "jobs"),
		jobs:      make(map[string]*job),
		templates: make(map[string]*template),
		byThing:   make(map[string]map[string]bool),
	}, nil
}

// Close stops the Service: every later call returns ErrClosed. The Service
// owns no goroutine and no timer (timeouts and rollouts advance in Tick),
// so Close has nothing to wait for. Close is idempotent.
func (s *Service) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}

// arn builds an ARN of this account and region.
func (s *Service) arn(resource string) string {
	part := "aws"
	if len(s.cfg.Region) > 3 && s.cfg.Region[:3] == "cn-" {
		part = "aws-cn"
	}
	return "arn:" + part + ":iot:" + s.cfg.Region + ":" + s.cfg.AccountID + ":" + resource
}

// thingARN is the ARN of a thing.
func (s *Service) thingARN(thing string) string { return s.arn("thing/" + thing) }

// lock takes the service lock unless the Service is closed.
func (s *Service) lock() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	return nil
}
