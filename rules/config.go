package rules

import (
	"log/slog"
	mrand "math/rand/v2"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
)

// DefaultEvalTimeout bounds one statement evaluation when Config.EvalTimeout
// is zero.
const DefaultEvalTimeout = 2 * time.Second

// Config configures an Engine. The zero value is usable.
type Config struct {
	// Publisher receives Republish actions' messages.
	Publisher Publisher
	// Now is the clock for timestamp() when a Message has no Timestamp.
	Now func() time.Time
	// NewUUID generates newuuid() values (default: random version 4 UUIDs).
	NewUUID func() string
	// Rand generates rand() values in [0,1) (default: math/rand/v2).
	Rand func() float64
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// EvalTimeout bounds each evaluation (default DefaultEvalTimeout).
	EvalTimeout time.Duration
	// AccountID is returned by accountid() and used in rule ARNs.
	AccountID string
	// Region is used in rule ARNs.
	Region string
	// Externals are the backends of external SQL functions.
	Externals Externals
	// OnAction, when set, is called after every action execution (also the
	// error action), on the goroutine that handled the message.
	OnAction func(ActionRecord)
	// InjectFailure, when set, is asked before each action (not the error
	// action) runs: an error fails the action without running it, as a
	// failing target would, so the error action runs (iotemu's fault
	// injection).
	InjectFailure func(rule, actionType string) error
	// Compat holds switches for behaviours AWS leaves unconfirmed
	// (docs/compatibility.md "Rules engine").
	Compat Compat
}

// Compat holds named switches for points where AWS's behaviour is not
// confirmed. The zero value is iotemu's best reading of AWS.
type Compat struct {
	// ShortCircuitLogic makes `true OR Undefined` true and
	// `false AND Undefined` false; AWS's operator table says Undefined.
	ShortCircuitLogic bool
	// AllowUnquotedFrom accepts `FROM a/b` (AWS requires single quotes, but
	// some AWS examples omit them).
	AllowUnquotedFrom bool
	// HashMatchesParent makes `a/#` match topic `a` (MQTT 3.1.1 §4.7.1.2);
	// AWS's topics page says it does not.
	HashMatchesParent bool
	// DefaultSQLVersion is used for rules without SQLVersion; "" means
	// 2015-10-08, AWS's default for the API and CLI.
	DefaultSQLVersion string
}

func (c Config) withDefaults() Config {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.NewUUID == nil {
		c.NewUUID = awsid.NewUUID
	}
	if c.Rand == nil {
		c.Rand = mrand.Float64
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.EvalTimeout <= 0 {
		c.EvalTimeout = DefaultEvalTimeout
	}
	if c.AccountID == "" {
		c.AccountID = "000000000000"
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	return c
}
