package awswire

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"

	"github.com/fxamacker/cbor/v2"
)

// cborEnc writes timestamps as tag 1 (epoch seconds), as rpcv2Cbor
// requires. AWS: https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html#shape-serialization
var cborEnc = func() cbor.EncMode {
	m, err := cbor.EncOptions{Time: cbor.TimeUnixDynamic, TimeTag: cbor.EncTagRequired}.EncMode()
	if err != nil {
		panic(err) // constant options
	}
	return m
}()

// cborDec decodes maps with string keys, so that an answer renders as
// JSON in the action's record.
var cborDec = func() cbor.DecMode {
	m, err := cbor.DecOptions{DefaultMapType: reflect.TypeOf(map[string]any(nil))}.DecMode()
	if err != nil {
		panic(err) // constant options
	}
	return m
}()

// CBOR sends one rpcv2Cbor operation: POST
// /service/<CBORService>/operation/<op> with in as its CBOR body and
// Smithy-Protocol rpc-v2-cbor; it returns the decoded answer (an empty
// map for an empty body). The SDK gzips PutMetricData's body; iotemu
// sends it as is (request compression is optional for the server).
// AWS: https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html#requests
func (c *Client) CBOR(ctx context.Context, svc Service, op string, in any) (map[string]any, error) {
	body, err := cborEnc.Marshal(in)
	if err != nil {
		return nil, &OpError{Service: svc.ID, Operation: op, Err: fmt.Errorf("serialization failed: %w", err)}
	}
	resp, err := c.do(ctx, request{
		svc: svc, op: op, method: http.MethodPost, path: "/service/" + svc.CBORService + "/operation/" + op, body: body, errors: cborError,
		headers: map[string]string{"Content-Type": "application/cbor", "Accept": "application/cbor", "Smithy-Protocol": "rpc-v2-cbor"},
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return out, nil
	}
	if err := cborDec.Unmarshal(resp.body, &out); err != nil {
		return nil, &OpError{Service: svc.ID, Operation: op, Err: fmt.Errorf("deserialization failed: %w", err)}
	}
	return out, nil
}
