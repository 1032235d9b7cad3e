package lambdafn

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/iotemu/iotemu/sigv4"
)

// maxInvokeResult bounds what an invocation may make the caller read; AWS
// caps synchronous responses at 6 MB.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#function-configuration-deployment-and-execution
const maxInvokeResult = 6 << 20

// invokeAPI is the Lambda Invoke API's wire format, the one place iotemu
// speaks it: POST {endpoint}/2015-03-31/functions/{FunctionName}/invocations
// with X-Amz-Invocation-Type, as the AWS SDKs send it (SigV4-signed when
// credentials are set), to the Runtime Interface Emulator, MiniStack,
// LocalStack or AWS.
// AWS: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_RequestSyntax
type invokeAPI struct {
	client *http.Client
	region string
	signer sigv4.Signer // AccessKeyID "" means unsigned
}

func (a invokeAPI) invoke(ctx context.Context, endpoint, name string, req Request) (Response, error) {
	u := strings.TrimSuffix(endpoint, "/") + "/2015-03-31/functions/" + escapeSegment(name) + "/invocations"
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(req.Payload))
	if err != nil {
		return Response{}, fmt.Errorf("invoke %s: %w", req.Function, err)
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("X-Amz-Invocation-Type", string(req.invocationType()))
	a.sign(hr, req.Payload)
	resp, err := a.client.Do(hr)
	if err != nil {
		return Response{}, fmt.Errorf("invoke %s: %w", req.Function, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxInvokeResult))
	if err != nil {
		return Response{}, fmt.Errorf("invoke %s: read result: %w", req.Function, err)
	}
	return checkResult(req, resp, body)
}

// sign signs at the wall clock's time (the peer checks the skew).
func (a invokeAPI) sign(r *http.Request, body []byte) {
	if a.signer.AccessKeyID == "" {
		return
	}
	sum := sha256.Sum256(body)
	a.signer.Sign(r, hex.EncodeToString(sum[:]), "lambda", a.region, time.Now())
}

// checkResult turns the Invoke API's answer into a Response. A non-2xx
// status is an error naming the x-amzn-ErrorType; a function error
// (X-Amz-Function-Error, or the Runtime Interface Emulator's error body on
// 200) is a *FunctionError alongside a Response that carries it. A
// synchronous result must be JSON (RIE timeouts answer plain text).
func checkResult(req Request, resp *http.Response, body []byte) (Response, error) {
	name := req.Function
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if t := resp.Header.Get("X-Amzn-ErrorType"); t != "" {
			return Response{}, fmt.Errorf("invoke %s: status %s: %s: %s", name, resp.Status, t, body)
		}
		return Response{}, fmt.Errorf("invoke %s: status %s: %s", name, resp.Status, body)
	}
	out := Response{StatusCode: resp.StatusCode, FunctionError: resp.Header.Get("X-Amz-Function-Error")}
	if json.Valid(body) {
		out.Payload = body
	}
	if req.invocationType() == Event {
		return out, nil
	}
	if !json.Valid(body) {
		return Response{}, fmt.Errorf("invoke %s: result is not JSON: %q", name, body)
	}
	var fe struct {
		FunctionError
		StatusCode *int `json:"statusCode"`
	}
	_ = json.Unmarshal(body, &fe) // any JSON; non-objects leave fe empty
	if out.FunctionError != "" || fe.Type != "" && fe.Message != "" && fe.StatusCode == nil {
		if out.FunctionError == "" {
			out.FunctionError = "Unhandled"
		}
		return out, &FunctionError{Type: fe.Type, Message: fe.Message}
	}
	return out, nil
}

// escapeSegment percent-encodes every byte but RFC 3986's unreserved
// characters, as the AWS SDKs encode a path member (an ARN's colons
// become %3A).
func escapeSegment(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
