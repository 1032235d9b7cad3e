// Package rulestest loads the AWS IoT SQL conformance vectors
// (testdata/rules-sql-vectors.json, embedded: Vectors) and compares rule outputs the
// way a vector says, so that unit and end-to-end tests share one reader.
package rulestest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"reflect"
	"sort"
	"strings"
)

// File is the vectors document.
type File struct {
	Description     string           `json:"description"`
	Vectors         []Vector         `json:"vectors"`
	TemplateVectors []TemplateVector `json:"templateVectors"`
	RuleNameVectors []RuleNameVector `json:"ruleNameVectors"`
}

// Vector is one SQL case.
type Vector struct {
	ID          string          `json:"id"`
	Category    string          `json:"category"`
	Source      string          `json:"source"`
	Confidence  string          `json:"confidence"`
	SQLVersion  string          `json:"sqlVersion"`
	Topic       string          `json:"topic"`
	Payload     json.RawMessage `json:"payload"`
	PayloadRaw  *string         `json:"payloadRaw"`
	SQL         string          `json:"sql"`
	Match       bool            `json:"match"`
	Expected    json.RawMessage `json:"expected"`
	ExpectedRaw *string         `json:"expectedRaw"`
	Compare     string          `json:"compare"`
	Context     Context         `json:"context"`
	Notes       string          `json:"notes"`
}

// Context gives values for context functions.
type Context struct {
	ClientID  string `json:"clientId"`
	AccountID string `json:"accountId"`
	Timestamp int64  `json:"timestamp"`
	NewUUID   string `json:"newuuid"`
	Protocol  string `json:"protocol"`
}

// TemplateVector is one substitution-template case.
type TemplateVector struct {
	ID         string          `json:"id"`
	SQLVersion string          `json:"sqlVersion"`
	Topic      string          `json:"topic"`
	Payload    json.RawMessage `json:"payload"`
	SQL        string          `json:"sql"`
	Template   string          `json:"template"`
	Expected   string          `json:"expected"`
	Context    Context         `json:"context"`
}

// RuleNameVector is one rule-name validation case.
type RuleNameVector struct {
	RuleName string `json:"ruleName"`
	Valid    bool   `json:"valid"`
}

// Load reads a vectors file.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load vectors: %w", err)
	}
	return parse(b, path)
}

func parse(b []byte, name string) (*File, error) {
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("load vectors %s: %w", name, err)
	}
	if len(f.Vectors) == 0 {
		return nil, fmt.Errorf("load vectors %s: no vectors", name)
	}
	return &f, nil
}

// PayloadBytes returns the bytes to publish: payloadRaw verbatim, else the
// compact JSON of payload.
func (v Vector) PayloadBytes() []byte { return payloadBytes(v.PayloadRaw, v.Payload) }

// PayloadBytes returns the bytes to publish.
func (v TemplateVector) PayloadBytes() []byte { return payloadBytes(nil, v.Payload) }

func payloadBytes(raw *string, p json.RawMessage) []byte {
	if raw != nil {
		return []byte(*raw)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, p); err != nil {
		return p
	}
	return b.Bytes()
}

// Check compares an output with the vector's expectation and returns ""
// when it passes, else a "got X, want Y" description.
func (v Vector) Check(got []byte) string {
	if v.Compare == "exact-string" && v.ExpectedRaw != nil {
		if string(got) != *v.ExpectedRaw {
			return fmt.Sprintf("got %s, want %s", got, *v.ExpectedRaw)
		}
		return ""
	}
	return CompareJSON(got, v.Expected)
}

// CompareJSON compares two JSON texts semantically: object key order is
// ignored and numbers compare by value.
func CompareJSON(got, want []byte) string {
	g, err1 := decode(got)
	w, err2 := decode(want)
	if err1 != nil || err2 != nil {
		return fmt.Sprintf("got %s, want %s (invalid JSON: %v %v)", got, want, err1, err2)
	}
	if !equal(g, w) {
		return fmt.Sprintf("got %s, want %s", got, want)
	}
	return ""
}

func decode(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

func equal(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		rx, ok1 := new(big.Rat).SetString(string(x))
		ry, ok2 := new(big.Rat).SetString(string(y))
		return ok1 && ok2 && rx.Cmp(ry) == 0
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !equal(v, y[k]) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// IDs returns the vector ids, sorted (for reports).
func (f *File) IDs() []string {
	ids := make([]string, len(f.Vectors))
	for i, v := range f.Vectors {
		ids[i] = v.ID
	}
	sort.Strings(ids)
	return ids
}

// String summarizes the file.
func (f *File) String() string {
	return fmt.Sprintf("%d vectors, %d template vectors, %d rule-name vectors: %s",
		len(f.Vectors), len(f.TemplateVectors), len(f.RuleNameVectors), strings.Join(f.IDs(), ","))
}
