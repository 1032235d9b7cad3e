package shadow

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
)

// sections is the stored shape of both state and metadata: the desired and
// reported sections, each left out when empty.
// AWS: device-shadow-document.html#device-shadow-empty-fields (an empty
// section does not appear; https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#device-shadow-empty-fields).
type sections struct {
	Desired  map[string]any `json:"desired,omitempty"`
	Reported map[string]any `json:"reported,omitempty"`
}

// document is a decoded stored shadow.
type document struct {
	state   sections
	meta    sections
	version int64
}

// decodeDocument decodes a stored Shadow.
func decodeDocument(sh Shadow) (*document, error) {
	d := &document{version: sh.Version}
	if err := decodeSections(sh.State, &d.state); err != nil {
		return nil, fmt.Errorf("decode state: %w", err)
	}
	if err := decodeSections(sh.Metadata, &d.meta); err != nil {
		return nil, fmt.Errorf("decode metadata: %w", err)
	}
	return d, nil
}

func decodeSections(raw json.RawMessage, into *sections) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	v, err := decodeJSON(raw, false)
	if err != nil {
		return err
	}
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return errors.New("not an object")
	}
	for k, sec := range m {
		obj, ok := sec.(map[string]any)
		if !ok && sec != nil {
			return fmt.Errorf("section %q: not an object", k)
		}
		switch k {
		case sectionDesired:
			into.Desired = obj
		case sectionReported:
			into.Reported = obj
		default:
			return fmt.Errorf("unknown section %q", k)
		}
	}
	return nil
}

// encode returns the stored form of d.
func (d *document) encode() (Shadow, error) {
	st, err := encodeJSON(d.state)
	if err != nil {
		return Shadow{}, fmt.Errorf("encode state: %w", err)
	}
	md, err := encodeJSON(d.meta)
	if err != nil {
		return Shadow{}, fmt.Errorf("encode metadata: %w", err)
	}
	return Shadow{State: st, Metadata: md, Version: d.version}, nil
}

// Section names.
const (
	sectionDesired  = "desired"
	sectionReported = "reported"
)

// decodeJSON decodes one JSON value, keeping numbers as json.Number so that
// their digits survive unchanged. Trailing data is an error. With
// rejectDup, an object with a repeated member name is an error; otherwise
// the last value wins.
func decodeJSON(b []byte, rejectDup bool) (any, error) {
	if !json.Valid(b) {
		return nil, errors.New("invalid JSON")
	}
	if rejectDup {
		if err := checkDuplicateKeys(b); err != nil {
			return nil, err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	return v, nil
}

// checkDuplicateKeys walks the tokens of a valid JSON text and reports the
// first object member name that appears twice in one object.
func checkDuplicateKeys(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type frame struct {
		keys     map[string]struct{}
		isObject bool
		wantKey  bool
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("scan JSON: %w", err)
		}
		top := len(stack) - 1
		if top >= 0 && stack[top].isObject && stack[top].wantKey {
			if key, ok := tok.(string); ok {
				if _, dup := stack[top].keys[key]; dup {
					return fmt.Errorf("duplicate key %q", key)
				}
				stack[top].keys[key] = struct{}{}
				stack[top].wantKey = false
				continue
			}
		}
		if top >= 0 && stack[top].isObject {
			stack[top].wantKey = true
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{keys: map[string]struct{}{}, isObject: true, wantKey: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if n := len(stack) - 1; n >= 0 && stack[n].isObject {
				stack[n].wantKey = true
			}
		}
	}
}

// encodeJSON encodes v compactly without HTML escaping (AWS returns "<",
// ">" and "&" as sent).
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode JSON: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// equalJSON reports whether two decoded JSON values are equal. Arrays are
// compared as whole values (AWS: device-shadow-document.html#device-shadow-arrays).
func equalJSON(a, b any, numbersAsText bool) bool {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok || !equalJSON(x, y, numbersAsText) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !equalJSON(av[i], bv[i], numbersAsText) {
				return false
			}
		}
		return true
	case json.Number:
		bv, ok := b.(json.Number)
		if !ok {
			return false
		}
		return av == bv || (!numbersAsText && numbersEqual(av, bv))
	default:
		return a == b
	}
}

// numberPrecision is the mantissa precision used to compare numbers whose
// texts differ ("1" and "1.0"); it exceeds float64 and int64.
const numberPrecision = 256

// numbersEqual compares two JSON numbers by value.
func numbersEqual(a, b json.Number) bool {
	if x, errA := strconv.ParseInt(string(a), 10, 64); errA == nil {
		if y, errB := strconv.ParseInt(string(b), 10, 64); errB == nil {
			return x == y
		}
	}
	x, _, errA := big.ParseFloat(string(a), 10, numberPrecision, big.ToNearestEven)
	y, _, errB := big.ParseFloat(string(b), 10, numberPrecision, big.ToNearestEven)
	if errA != nil || errB != nil {
		return false
	}
	return x.Cmp(y) == 0
}
