package fleetindex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
)

// shadowData is the part of a shadow document that the index keeps.
type shadowData struct {
	Desired   map[string]any
	Reported  map[string]any
	Delta     map[string]any
	Metadata  map[string]any // {"desired":{...},"reported":{...}}
	Version   any            // json.Number
	Timestamp any
}

// parseShadow reads a Device Shadow document, keeping numbers as written.
// Without a state.delta it derives one from desired and reported, as the
// shadow service does for GET: desired values that reported lacks or
// holds differently, objects compared member by member.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#device-shadow-example-response-json-delta
func parseShadow(doc json.RawMessage) (*shadowData, error) {
	var raw struct {
		State struct {
			Desired  map[string]any `json:"desired"`
			Reported map[string]any `json:"reported"`
			Delta    map[string]any `json:"delta"`
		} `json:"state"`
		Metadata  map[string]any `json:"metadata"`
		Version   any            `json:"version"`
		Timestamp any            `json:"timestamp"`
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("parse shadow document: %w", err)
	}
	s := &shadowData{
		Desired: raw.State.Desired, Reported: raw.State.Reported, Delta: raw.State.Delta,
		Metadata: raw.Metadata, Version: raw.Version, Timestamp: raw.Timestamp,
	}
	if s.Delta == nil {
		s.Delta = delta(s.Desired, s.Reported)
	}
	return s, nil
}

func delta(desired, reported map[string]any) map[string]any {
	var out map[string]any
	for k, d := range desired {
		if d == nil {
			continue
		}
		r, ok := reported[k]
		dm, dIsMap := d.(map[string]any)
		rm, rIsMap := r.(map[string]any)
		var diff any
		switch {
		case !ok:
			diff = d
		case dIsMap && rIsMap:
			if sub := delta(dm, rm); sub != nil {
				diff = sub
			}
		case !reflect.DeepEqual(d, r):
			diff = d
		}
		if diff != nil {
			if out == nil {
				out = map[string]any{}
			}
			out[k] = diff
		}
	}
	return out
}

// hasDelta is the shadow.hasDelta field.
func (s *shadowData) hasDelta() bool { return len(s.Delta) > 0 }

// output is the shadow as SearchIndex shows it: no state wrapper.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#search-index
func (s *shadowData) output() map[string]any {
	out := map[string]any{"hasDelta": s.hasDelta()}
	put := func(k string, v map[string]any) {
		if v != nil {
			out[k] = v
		}
	}
	put("desired", s.Desired)
	put("reported", s.Reported)
	put("delta", s.Delta)
	put("metadata", s.Metadata)
	if s.Version != nil {
		out["version"] = s.Version
	}
	if s.Timestamp != nil {
		out["timestamp"] = s.Timestamp
	}
	return out
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
