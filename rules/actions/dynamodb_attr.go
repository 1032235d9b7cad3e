package actions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// item is a DynamoDB item in the wire form ({"S": ...}, {"N": ...}), the
// form records show and requests carry (B as base64 in JSON).
type item map[string]any

// attrOf converts a JSON value (decoded with UseNumber) to DynamoDB's wire
// form: string S, number N, bool BOOL, null NULL, object M, array L.
// AWS: dynamodb-v2-rule-action.html (each attribute of the output becomes
// a column).
func attrOf(v any) any {
	switch v := v.(type) {
	case string:
		return map[string]any{"S": v}
	case json.Number:
		return map[string]any{"N": v.String()}
	case bool:
		return map[string]any{"BOOL": v}
	case map[string]any:
		m := item{}
		for k, e := range v {
			m[k] = attrOf(e)
		}
		return map[string]any{"M": m}
	case []any:
		l := make([]any, 0, len(v))
		for _, e := range v {
			l = append(l, attrOf(e))
		}
		return map[string]any{"L": l}
	}
	return map[string]any{"NULL": true}
}

// decodeJSON decodes a payload keeping numbers exact.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("payload is not JSON: %w", err)
	}
	return v, nil
}

// itemOf turns an object output into an item (dynamoDBv2).
func itemOf(payload []byte) (item, error) {
	v, err := decodeJSON(payload)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("the rule output must be a JSON object to become an item")
	}
	it := item{}
	for k, e := range obj {
		it[k] = attrOf(e)
	}
	return it, nil
}
