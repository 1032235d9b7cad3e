// Package shadowtest loads the Device Shadow conformance vectors
// (testdata/shadow-vectors.json, embedded: Vectors) and checks what a transport
// observed for each step against them, so that the same vectors run
// in-process (package shadow's tests) and over the wire (MQTT and the
// iot-data HTTP API, in the emulator's tests).
//
// A runner executes each step of a Vector on its transport, records an
// Observation and passes it to Run.Check, which returns the differences
// as "got X, want Y" strings. The package imports only the standard library.
package shadowtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// File is the vectors file.
type File struct {
	Meta    json.RawMessage `json:"meta"`
	Vectors []Vector        `json:"vectors"`
}

// Vector is one conformance case: a thing, a shadow, an optional initial
// stored shadow and the steps to run in order.
type Vector struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Evidence    string          `json:"evidence"`
	Sources     []string        `json:"sources"`
	Thing       string          `json:"thing"`
	Shadow      *string         `json:"shadow"`
	Initial     json.RawMessage `json:"initial"`
	Steps       []Step          `json:"steps"`
	Unconfirmed []string        `json:"unconfirmed"`
	Notes       json.RawMessage `json:"notes"`
}

// Step is one request and what it must produce.
type Step struct {
	// Transport is "mqtt" or "http".
	Transport string `json:"transport"`
	// Op is "get", "update", "delete" or "list".
	Op string `json:"op"`
	// Shadow overrides the vector's shadow when present (null = classic).
	Shadow json.RawMessage `json:"shadow"`
	// Payload is the request body (see Body).
	Payload json.RawMessage `json:"payload"`
	// SleepBeforeS asks the runner to let this many seconds pass first
	// (advance an injected clock, or wait on the wall clock).
	SleepBeforeS int    `json:"sleep_before_s"`
	Expect       Expect `json:"expect"`
}

// Expect is a step's expectation; the vectors file's meta describes each member.
type Expect struct {
	Result              string          `json:"result"`
	HTTPStatus          int             `json:"http_status"`
	Match               string          `json:"match"`
	Response            json.RawMessage `json:"response"`
	ResponseRaw         string          `json:"response_raw"`
	Delta               json.RawMessage `json:"delta"`
	DeltaMatch          string          `json:"delta_match"`
	Documents           json.RawMessage `json:"documents"`
	DocumentsMatch      string          `json:"documents_match"`
	VersionAfter        *int64          `json:"version_after"`
	VersionUnchanged    bool            `json:"version_unchanged"`
	ErrorType           string          `json:"error_type"`
	Message             string          `json:"message"`
	MessageAlternatives []string        `json:"message_alternatives"`
	MessagePrefix       string          `json:"message_prefix"`
	MessageNamedVariant string          `json:"message_named_variant"`
	Absent              []string        `json:"absent"`
	Present             []string        `json:"present"`
	MetadataDesiredKeys []string        `json:"metadata_desired_keys"`
	AssertNotEqual      [][]string      `json:"assert_not_equal"`
}

// Load reads a vectors file.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read vectors: %w", err)
	}
	return parse(b, path)
}

func parse(b []byte, name string) (*File, error) {
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("parse vectors %s: %w", name, err)
	}
	if len(f.Vectors) == 0 {
		return nil, fmt.Errorf("parse vectors %s: no vectors", name)
	}
	return &f, nil
}

// InitialShadow returns the stored shadow to seed before step 1
// ({"state", "metadata", "version"}), and false if the shadow must not exist.
func (v Vector) InitialShadow() (json.RawMessage, bool) {
	if isNull(v.Initial) {
		return nil, false
	}
	return v.Initial, true
}

// ShadowName returns the shadow name of step i ("" for the classic shadow).
func (v Vector) ShadowName(i int) string {
	if raw := v.Steps[i].Shadow; len(raw) > 0 {
		var s *string
		if err := json.Unmarshal(raw, &s); err == nil && s != nil {
			return *s
		}
		return ""
	}
	if v.Shadow != nil {
		return *v.Shadow
	}
	return ""
}

// Body returns the bytes to send for the step and whether there is a body
// at all: "" is an empty payload, {"$raw": s} is s verbatim, any other
// JSON value is sent as compact JSON.
func (s Step) Body() ([]byte, bool) {
	if len(s.Payload) == 0 || isNull(s.Payload) {
		return nil, false
	}
	var str string
	if err := json.Unmarshal(s.Payload, &str); err == nil && str == "" {
		return []byte{}, true
	}
	var raw struct {
		Raw *string `json:"$raw"`
	}
	if err := json.Unmarshal(s.Payload, &raw); err == nil && raw.Raw != nil {
		return []byte(*raw.Raw), true
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, s.Payload); err != nil {
		return s.Payload, true
	}
	return buf.Bytes(), true
}

// WantsAccepted reports whether the step must succeed.
func (s Step) WantsAccepted() bool { return s.Expect.Result == "accepted" }

// ChecksVersion reports whether the runner must fill the version members
// of the Observation (by a GET or an inspection after the step).
func (s Step) ChecksVersion() bool {
	return s.Expect.VersionAfter != nil || s.Expect.VersionUnchanged
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}
