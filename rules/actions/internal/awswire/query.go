package awswire

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
)

// Query sends one awsQuery operation: POST / with the form body
// Action=<op>&Version=<APIVersion>&params…, and decodes the XML answer
// into out (nil ignores it).
// AWS: https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#request-serialization
func (c *Client) Query(ctx context.Context, svc Service, op string, params url.Values, out any) error {
	form := url.Values{"Action": {op}, "Version": {svc.APIVersion}}
	for k, vs := range params {
		form[k] = vs
	}
	resp, err := c.do(ctx, request{
		svc: svc, op: op, method: http.MethodPost, body: []byte(form.Encode()), errors: queryError,
		headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
	})
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := xml.Unmarshal(resp.body, out); err != nil {
		return &OpError{Service: svc.ID, Operation: op, Err: fmt.Errorf("deserialization failed: %w", err)}
	}
	return nil
}
