package apigwv2

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// patch applies an Update* body to cur: only the members sent change
// (PATCH semantics), members in fixed are ignored (identifiers and members
// Update* does not have), and the map members in merged are merged key by
// key, a value of "" or {} removing the key, as Terraform relies on for
// stage variables, integration request parameters and response
// parameters. It returns the updated copy; cur is untouched.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Updates".
func patch[T any](cur *T, body []byte, fixed, merged []string) (*T, error) {
	var in map[string]json.RawMessage
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	base, err := toMap(cur)
	if err != nil {
		return nil, err
	}
	for _, k := range fixed {
		delete(in, k)
	}
	for k, v := range in {
		if slices.Contains(merged, k) {
			if v, err = mergeMap(base[k], v); err != nil {
				return nil, badRequest("Could not parse request body into json: %s: %v", k, err)
			}
		}
		base[k] = v
	}
	b, err := json.Marshal(base)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", cur, err)
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		return nil, badRequest("Could not parse request body into json: %v", err)
	}
	return out, nil
}

func toMap(v any) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode %T: %w", v, err)
	}
	return m, nil
}

// mergeMap overlays the JSON object patch on base; "" and {} values remove.
func mergeMap(base, patch json.RawMessage) (json.RawMessage, error) {
	var b, p map[string]json.RawMessage
	if len(base) > 0 && string(base) != "null" {
		if err := json.Unmarshal(base, &b); err != nil {
			return nil, err
		}
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, err
	}
	if b == nil {
		b = map[string]json.RawMessage{}
	}
	for k, v := range p {
		if t := bytes.TrimSpace(v); string(t) == `""` || string(t) == "{}" || string(t) == "null" {
			delete(b, k)
			continue
		}
		b[k] = v
	}
	return json.Marshal(b)
}
