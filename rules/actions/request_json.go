package actions

import (
	"bytes"
	"encoding/json"
)

// inputJSON renders a request input as JSON with AWS's member names for
// the action's record, members left unset omitted (nil, and "" as the
// SDK's unset enums were), keys sorted.
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
