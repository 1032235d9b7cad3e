package shadow

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"regexp"
	"slices"
	"sync"
	"time"
)

// Publisher delivers a message to every MQTT subscriber of topic. The
// emulator publishes at QoS 1, so subscribers receive it at
// min(1, subscription QoS) (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-comms-device.html#device-shadow-comms-device), with retain=false.
type Publisher interface {
	Publish(ctx context.Context, topic string, payload []byte) error
}

// PublisherFunc adapts a function to Publisher.
type PublisherFunc func(ctx context.Context, topic string, payload []byte) error

// Publish calls f.
func (f PublisherFunc) Publish(ctx context.Context, topic string, payload []byte) error {
	return f(ctx, topic, payload)
}

// Config configures a Service. The zero value is valid: an in-memory
// store, no publisher, the wall clock, a discarding logger, AWS limits and
// AWS behaviour.
type Config struct {
	// Store holds the shadows. Nil means a new MemoryStore.
	Store Store
	// Publisher receives accepted, rejected, delta and documents messages.
	// Nil drops them.
	Publisher Publisher
	// Now is the clock used for every timestamp. Nil means time.Now.
	Now func() time.Time
	// Logger receives debug logs and failed REST notifications. Nil discards.
	Logger *slog.Logger
	// Limits are the AWS quotas. Zero fields take the AWS defaults.
	Limits Limits
	// Compat switches points where AWS behaviour is unconfirmed, or
	// deliberate deviations. The zero value is the behaviour believed to be
	// AWS's; docs/compatibility.md lists every switch.
	Compat Compat
}

// Limits are the Device Shadow quotas. A zero field means the AWS default;
// a negative size, depth or length disables that check.
type Limits struct {
	// MaxStateBytes bounds the compact JSON size of the merged desired plus
	// reported sections (metadata excluded). Default 8192.
	// AWS: device-shadow-document.html, diagnosing-shadows.html (8 KB).
	MaxStateBytes int
	// MaxPayloadBytes bounds the raw update request. Default 131072 (the
	// AWS IoT MQTT message size limit).
	MaxPayloadBytes int
	// MaxDepth bounds the nesting inside desired and reported. Default 6.
	// AWS: device-shadow-error-messages.html ("maximum is 6"); the 2019
	// limits page said 5.
	MaxDepth int
	// MaxClientTokenBytes bounds clientToken. Default 64.
	// AWS: device-shadow-document.html#client-token.
	MaxClientTokenBytes int
	// MaxThingNameLength bounds thing names. Default 128.
	// AWS: iot-data API ThingName (1-128).
	MaxThingNameLength int
	// MaxShadowNameLength bounds shadow names. Default 64.
	// AWS: iot-data API ShadowName (1-64).
	MaxShadowNameLength int
	// ThingNamePattern is the regular expression (without anchors) a thing
	// name must match in full. Default [a-zA-Z0-9:_-]+ (iot-data API).
	ThingNamePattern string
	// ShadowNamePattern is the regular expression a shadow name must match
	// in full. Default [$a-zA-Z0-9:_-]+ (iot-data API).
	ShadowNamePattern string
	// MaxPageSize bounds ListNamed's pageSize. Default 100 (iot-data API).
	MaxPageSize int
	// DefaultPageSize is ListNamed's page size when none is given.
	// Default 25 (AWS does not document it; Greengrass uses 25).
	DefaultPageSize int
	// TombstoneTTL is how long a deleted shadow's version is remembered:
	// an update within it continues from the deleted version, after it the
	// version restarts at 1. Default 48h.
	// AWS: device-shadow-data-flow.html ("within 48 hours").
	TombstoneTTL time.Duration
}

// NotFoundNaming selects the name quoted in the 404 message of a named shadow.
type NotFoundNaming int

const (
	// NotFoundByTransport quotes the shadow name over MQTT (D-SIM capture:
	// 'simShadow1') and thing~shadow over REST (LocalStack, AWS-validated).
	NotFoundByTransport NotFoundNaming = iota
	// NotFoundShadowName always quotes the shadow name.
	NotFoundShadowName
	// NotFoundThingTildeShadow always quotes thing~shadow.
	NotFoundThingTildeShadow
)

// Compat holds named switches for behaviour AWS has not confirmed. Each
// zero value is the behaviour iotemu believes AWS has (docs/compatibility.md).
type Compat struct {
	// RESTDeltaOnly makes REST updates publish only update/delta (the only
	// notification AWS documents for REST) and REST deletes publish
	// nothing. Default: REST updates also publish update/accepted and
	// update/documents, REST deletes publish delete/accepted (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-rest-api.html#device-shadow-rest-api).
	RESTDeltaOnly bool
	// DeltaOnlyWhenChanged publishes update/delta only when the update
	// changed the delta. Default: whenever the resulting delta is non-empty
	// (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html#update-delta-pub-sub-topic).
	DeltaOnlyWhenChanged bool
	// NamedNotFound selects the quoted name in a named shadow's 404.
	NamedNotFound NotFoundNaming
	// ErrorTimestampCodes lists the codes whose MQTT rejected documents
	// carry "timestamp". Default none (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#device-shadow-example-error-json).
	ErrorTimestampCodes []int
	// PruneEmptiedObjects removes a nested object whose last member an
	// update deleted. Default: keep it as {} (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#device-shadow-empty-fields).
	PruneEmptiedObjects bool
	// RejectDuplicateKeys answers 400 Invalid JSON for an object with a
	// repeated member name. Default: the last value wins.
	RejectDuplicateKeys bool
	// DepthIgnoresArrays does not count arrays as nesting levels. Default:
	// arrays count, like objects.
	DepthIgnoresArrays bool
	// DeltaComparesNumbersAsText makes 1 and 1.0 differ in the delta.
	// Default: numbers are compared by value.
	DeltaComparesNumbersAsText bool
	// RejectVersionOnCreate answers 409 when an update that creates a
	// shadow carries "version". Default: the version is compared with 0 (or
	// with the deleted shadow's version within Limits.TombstoneTTL).
	RejectVersionOnCreate bool
	// OmitPreviousOnCreate leaves "previous" out of the first
	// update/documents message instead of sending "previous": null.
	OmitPreviousOnCreate bool
	// EchoInvalidClientToken echoes an over-long clientToken in the
	// rejected document. Default: not echoed.
	EchoInvalidClientToken bool
}

// withDefaults returns cfg with every zero field replaced by its default.
func (cfg Config) withDefaults() Config {
	if cfg.Store == nil {
		cfg.Store = NewMemoryStore()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Compat.ErrorTimestampCodes = slices.Clone(cfg.Compat.ErrorTimestampCodes)
	l := &cfg.Limits
	setDefault(&l.MaxStateBytes, 8192)
	setDefault(&l.MaxPayloadBytes, 128*1024)
	setDefault(&l.MaxDepth, 6)
	setDefault(&l.MaxClientTokenBytes, 64)
	setDefault(&l.MaxThingNameLength, 128)
	setDefault(&l.MaxShadowNameLength, 64)
	setDefault(&l.MaxPageSize, 100)
	setDefault(&l.DefaultPageSize, 25)
	if l.ThingNamePattern == "" {
		l.ThingNamePattern = "[a-zA-Z0-9:_-]+"
	}
	if l.ShadowNamePattern == "" {
		l.ShadowNamePattern = "[$a-zA-Z0-9:_-]+"
	}
	if l.TombstoneTTL == 0 {
		l.TombstoneTTL = 48 * time.Hour
	}
	return cfg
}

func setDefault(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}

// lockStripes is the number of per-shadow mutexes.
const lockStripes = 256

// Service is the Device Shadow service. It is safe for concurrent use:
// updates and deletes of one shadow are serialised, different shadows
// proceed in parallel.
type Service struct {
	cfg       Config
	log       *slog.Logger
	thingRE   *regexp.Regexp
	shadowRE  *regexp.Regexp
	seed      maphash.Seed
	stripes   [lockStripes]sync.Mutex
	tooDeep   *Error
	publisher Publisher
}

// New validates cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	cfg = cfg.withDefaults()
	thingRE, err := regexp.Compile("^(?:" + cfg.Limits.ThingNamePattern + ")$")
	if err != nil {
		return nil, fmt.Errorf("compile thing name pattern: %w", err)
	}
	shadowRE, err := regexp.Compile("^(?:" + cfg.Limits.ShadowNamePattern + ")$")
	if err != nil {
		return nil, fmt.Errorf("compile shadow name pattern: %w", err)
	}
	if cfg.Limits.DefaultPageSize > cfg.Limits.MaxPageSize {
		return nil, errors.New("validate limits: DefaultPageSize exceeds MaxPageSize")
	}
	s := &Service{
		cfg:       cfg,
		log:       cfg.Logger.With(logKeyComponent, "shadow"),
		thingRE:   thingRE,
		shadowRE:  shadowRE,
		seed:      maphash.MakeSeed(),
		tooDeep:   ErrTooDeep,
		publisher: cfg.Publisher,
	}
	if cfg.Limits.MaxDepth != 6 {
		s.tooDeep = &Error{Code: 400, Message: fmt.Sprintf("JSON contains too many levels of nesting; maximum is %d", cfg.Limits.MaxDepth)}
	}
	return s, nil
}

// Log keys.
const (
	logKeyComponent = "component"
	logKeyTopic     = "topic"
	logKeyThing     = "thing"
	logKeyShadow    = "shadow"
	logKeyErr       = "err"
)

// lock locks the stripe of one shadow and returns its unlock function.
func (s *Service) lock(k Key) func() {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteString(k.Thing)
	h.WriteByte(0)
	h.WriteString(k.Name)
	m := &s.stripes[h.Sum64()%lockStripes]
	m.Lock()
	return m.Unlock
}

// now returns the current time in epoch seconds.
// AWS: every shadow timestamp is epoch seconds (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#timestamp).
func (s *Service) now() int64 { return s.cfg.Now().Unix() }

// publish sends one message if a Publisher is configured.
func (s *Service) publish(ctx context.Context, topic string, payload []byte) error {
	if s.publisher == nil {
		return nil
	}
	if err := s.publisher.Publish(ctx, topic, payload); err != nil {
		return fmt.Errorf("publish %s: %w", topic, err)
	}
	return nil
}
