package awswire

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// JSON sends one awsJson1_0/awsJson1_1 operation: POST / with
// X-Amz-Target "<TargetPrefix>.<op>" and in as its JSON body; it returns
// the answer's JSON document ("{}" when the body is empty).
// AWS: https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html#protocol-behaviors
func (c *Client) JSON(ctx context.Context, svc Service, op string, in any) (json.RawMessage, error) {
	body, err := marshalJSON(in)
	if err != nil {
		return nil, &OpError{Service: svc.ID, Operation: op, Err: err}
	}
	resp, err := c.do(ctx, request{
		svc: svc, op: op, method: http.MethodPost, body: body, errors: jsonError,
		headers: map[string]string{
			"Content-Type": "application/x-amz-json-" + svc.JSONVersion,
			"X-Amz-Target": svc.TargetPrefix + "." + op,
		},
	})
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return json.RawMessage("{}"), nil
	}
	if !json.Valid(resp.body) {
		return nil, &OpError{Service: svc.ID, Operation: op, Err: fmt.Errorf("deserialization failed: the answer is not JSON: %.100q", resp.body)}
	}
	return json.RawMessage(resp.body), nil
}

// marshalJSON encodes as the SDK for Go v2 does: members sorted by name
// at every level, no HTML escaping (a payload's "<" stays "<"), so that a
// peer sees the bytes the SDK sent.
func marshalJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("serialization failed: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("serialization failed: %w", err)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("serialization failed: %w", err)
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}
