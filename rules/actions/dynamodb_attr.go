package actions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// item is a DynamoDB item in the wire form ({"S": ...}, {"N": ...}), the
// form records show; toSDK converts it for the client.
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

// toSDK converts an item to the SDK's attribute values.
func (it item) toSDK() map[string]ddbtypes.AttributeValue {
	out := make(map[string]ddbtypes.AttributeValue, len(it))
	for k, v := range it {
		out[k] = sdkAttr(v)
	}
	return out
}

func sdkAttr(v any) ddbtypes.AttributeValue {
	m, _ := v.(map[string]any)
	for t, x := range m {
		switch t {
		case "S":
			return &ddbtypes.AttributeValueMemberS{Value: x.(string)}
		case "N":
			return &ddbtypes.AttributeValueMemberN{Value: x.(string)}
		case "B":
			return &ddbtypes.AttributeValueMemberB{Value: x.([]byte)}
		case "BOOL":
			return &ddbtypes.AttributeValueMemberBOOL{Value: x.(bool)}
		case "M":
			return &ddbtypes.AttributeValueMemberM{Value: x.(item).toSDK()}
		case "L":
			var l []ddbtypes.AttributeValue
			for _, e := range x.([]any) {
				l = append(l, sdkAttr(e))
			}
			return &ddbtypes.AttributeValueMemberL{Value: l}
		}
	}
	return &ddbtypes.AttributeValueMemberNULL{Value: true}
}
