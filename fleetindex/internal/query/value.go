package query

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Value is one indexed value of a field: its text, and its number when
// the index treats it as numeric.
type Value struct {
	Text  string
	Num   float64
	IsNum bool
}

// String is a value indexed as text only.
func String(s string) Value { return Value{Text: s} }

// Number is a value indexed as a number; text is its written form.
func Number(f float64, text string) Value { return Value{Text: text, Num: f, IsNum: true} }

// Bool is a boolean value; it matches the terms true and false.
func Bool(b bool) Value { return Value{Text: strconv.FormatBool(b)} }

// Auto indexes s as a number when it is a valid JSON number literal that
// fits a double, else as text: registry attributes are strings, but
// "70" is also indexed as 70.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#index-limitations
func Auto(s string) Value {
	if f, ok := ParseNumber(s); ok {
		return Number(f, s)
	}
	return String(s)
}

// ParseNumber parses s when it is a JSON number literal within the
// range of a double.
func ParseNumber(s string) (float64, bool) {
	if s == "" || !json.Valid([]byte(s)) || !isNumberLiteral(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

func isNumberLiteral(s string) bool {
	c := s[0]
	return c == '-' || (c >= '0' && c <= '9')
}

// Doc is a document as the query sees it: named, multi-valued fields.
type Doc interface {
	// Values returns the values of one field (nil when absent).
	Values(field string) []Value
	// Each calls fn for every searchable value, for bare terms.
	Each(fn func(v Value) bool)
}

// MapDoc is a Doc backed by a map.
type MapDoc map[string][]Value

// Values implements Doc.
func (m MapDoc) Values(field string) []Value { return m[field] }

// Each implements Doc.
func (m MapDoc) Each(fn func(v Value) bool) {
	for _, vs := range m {
		for _, v := range vs {
			if !fn(v) {
				return
			}
		}
	}
}

// words splits text the way the query splits words: on white space.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#query-syntax-limitations
func words(s string) []string { return strings.Fields(s) }
