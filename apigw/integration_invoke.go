package apigw

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// LambdaInvokeAPI is an integration calling the Lambda Invoke API,
// POST {Endpoint}/2015-03-31/functions/{FunctionName}/invocations, such as
// the AWS Lambda Runtime Interface Emulator (FunctionName "function").
// AWS: API_Invoke.html; RIE quirks in https://docs.aws.amazon.com/lambda/latest/dg/images-test.html#images-test.
type LambdaInvokeAPI struct {
	Endpoint     string // e.g. "http://127.0.0.1:9000"
	FunctionName string
	Client       *http.Client // nil: http.DefaultClient
	// Concurrent allows overlapping invocations. By default they are
	// serialised, because the Runtime Interface Emulator runs one at a time.
	Concurrent bool

	mu sync.Mutex
}

// maxInvokeResult bounds what an invocation may make the server read; AWS
// caps synchronous responses at 6 MB.
const maxInvokeResult = 6 << 20

// Invoke posts event and returns the function's result. A function error
// (X-Amz-Function-Error, or the RIE's error body on 200), a non-2xx status,
// an empty or non-JSON body (RIE timeouts answer plain text) are errors.
func (l *LambdaInvokeAPI) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	if !l.Concurrent {
		l.mu.Lock()
		defer l.mu.Unlock()
	}
	u := strings.TrimSuffix(l.Endpoint, "/") + "/2015-03-31/functions/" + url.PathEscape(l.FunctionName) + "/invocations"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(event))
	if err != nil {
		return nil, fmt.Errorf("invoke %s: %w", l.FunctionName, err)
	}
	req.Header.Set("Content-Type", "application/json")
	client := l.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("invoke %s: %w", l.FunctionName, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxInvokeResult))
	if err != nil {
		return nil, fmt.Errorf("invoke %s: read result: %w", l.FunctionName, err)
	}
	return checkInvokeResult(l.FunctionName, resp, body)
}

func checkInvokeResult(name string, resp *http.Response, body []byte) ([]byte, error) {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("invoke %s: status %s: %s", name, resp.Status, body)
	}
	if !json.Valid(body) {
		return nil, fmt.Errorf("invoke %s: result is not JSON: %q", name, body)
	}
	var fe struct {
		FunctionError
		StatusCode *int `json:"statusCode"`
	}
	_ = json.Unmarshal(body, &fe) // any JSON; non-objects leave fe empty
	if resp.Header.Get("X-Amz-Function-Error") != "" || fe.Type != "" && fe.Message != "" && fe.StatusCode == nil {
		return nil, &FunctionError{Type: fe.Type, Message: fe.Message}
	}
	return body, nil
}
