package actions

import (
	"bytes"
	"encoding/json"
)

// inputJSON renders an SDK input as JSON with AWS's member names, members
// left unset omitted (the SDK's structs marshal them as null, and unset
// enums as ""), keys sorted.
func inputJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return b
	}
	out, err := json.Marshal(dropNulls(x))
	if err != nil {
		return b
	}
	return out
}

func dropNulls(x any) any {
	switch x := x.(type) {
	case map[string]any:
		for k, v := range x {
			if v == nil || v == "" {
				delete(x, k)
				continue
			}
			x[k] = dropNulls(v)
		}
	case []any:
		for i, v := range x {
			x[i] = dropNulls(v)
		}
	}
	return x
}
