// Package topic checks MQTT topic names and filters against AWS IoT Core's
// rules, which are stricter than the MQTT specification's.
package topic

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits are AWS IoT Core's topic limits.
// AWS: https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits (values of c. 2020).
type Limits struct {
	MaxBytes  int // bytes of UTF-8 in a topic name or filter; AWS 256
	MaxLevels int // levels (slashes + 1); AWS 8 ("limited to 7 forward slashes")
}

// DefaultLimits are AWS's documented values.
var DefaultLimits = Limits{MaxBytes: 256, MaxLevels: 8}

// Sentinel reasons a topic is refused.
var (
	// ErrEmpty means the topic or filter has no characters.
	ErrEmpty = errors.New("topic is empty")
	// ErrWildcard means a topic name (not a filter) contains + or #.
	ErrWildcard = errors.New("topic name contains a wildcard")
	// ErrNotUTF8 means the topic is not valid UTF-8 or contains U+0000.
	ErrNotUTF8 = errors.New("topic is not valid UTF-8")
	// ErrTooLong means the topic exceeds Limits.MaxBytes.
	ErrTooLong = errors.New("topic is too long")
	// ErrTooManyLevels means the topic has more than Limits.MaxLevels levels.
	ErrTooManyLevels = errors.New("topic has too many levels")
	// ErrBadFilter means a filter uses + or # other than as a whole level,
	// or # other than last.
	ErrBadFilter = errors.New("topic filter is malformed")
)

// uncounted returns the part of a topic AWS counts toward its limits: the
// Basic Ingest prefix $aws/rules/<rule>/ is excluded.
// AWS: iot-basic-ingest.html ("the first three levels ... are not counted").
func uncounted(t string) string {
	const prefix = "$aws/rules/"
	if !strings.HasPrefix(t, prefix) {
		return t
	}
	rest := t[len(prefix):]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i+1:]
	}
	return ""
}

// ValidateName checks a topic name a client publishes to.
func ValidateName(t string, lim Limits) error {
	if err := validateCommon(t, lim); err != nil {
		return err
	}
	if strings.ContainsAny(t, "+#") {
		return ErrWildcard
	}
	return nil
}

// ValidateFilter checks a topic filter a client subscribes to. A shared
// subscription's $share/{name}/ prefix is excluded from the limits.
// AWS: mqtt.html#mqtt-shared-subscription, iot-core.html#message-broker-limits.
func ValidateFilter(f string, lim Limits) error {
	if rest, ok := strings.CutPrefix(f, "$share/"); ok {
		name, filter, found := strings.Cut(rest, "/")
		if !found || name == "" || strings.ContainsAny(name, "+#") {
			return ErrBadFilter
		}
		f = filter
	}
	if err := validateCommon(f, lim); err != nil {
		return err
	}
	levels := strings.Split(f, "/")
	for i, l := range levels {
		if strings.ContainsAny(l, "+#") && len(l) > 1 {
			return ErrBadFilter
		}
		if l == "#" && i != len(levels)-1 {
			return ErrBadFilter
		}
	}
	return nil
}

func validateCommon(t string, lim Limits) error {
	if t == "" {
		return ErrEmpty
	}
	if !utf8.ValidString(t) || strings.ContainsRune(t, 0) {
		return ErrNotUTF8
	}
	counted := uncounted(t)
	if lim.MaxBytes > 0 && len(counted) > lim.MaxBytes {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrTooLong, len(counted), lim.MaxBytes)
	}
	if n := strings.Count(counted, "/") + 1; lim.MaxLevels > 0 && n > lim.MaxLevels {
		return fmt.Errorf("%w: %d slashes, at most %d", ErrTooManyLevels, n-1, lim.MaxLevels-1)
	}
	return nil
}
