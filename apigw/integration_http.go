package apigw

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxProxyResponse bounds what an HTTP proxy integration may make the
// server read: 6 MB, the bound of a Lambda integration's result.
const maxProxyResponse = 6 << 20

// HTTPProxy is an HTTP proxy integration: the message body is sent to URL
// with Method (default POST); the response's status, headers and body
// become the integration's result ($connect accepts on 2xx; a two-way
// route sends the body back). On $connect the client's handshake headers
// are forwarded. How AWS maps an HTTP_PROXY integration's request for
// WebSocket in detail is not in the reference; this is the plain reading.
type HTTPProxy struct {
	URL    string
	Method string
	Client *http.Client // nil: http.DefaultClient
}

// Invoke sends the event's body (or nothing) to the backend.
func (h *HTTPProxy) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	var ev Event
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, fmt.Errorf("http proxy: read event: %w", err)
	}
	var body io.Reader
	if ev.Body != nil {
		body = strings.NewReader(*ev.Body)
	}
	method := h.Method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, h.URL, body)
	if err != nil {
		return nil, fmt.Errorf("http proxy: %w", err)
	}
	if ev.RequestContext.EventType == EventConnect {
		for k, vs := range ev.MultiValueHeaders {
			if k != "Host" {
				req.Header[k] = vs
			}
		}
	}
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("http proxy: %w", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, maxProxyResponse))
	if err != nil {
		return nil, fmt.Errorf("http proxy: read response: %w", err)
	}
	res := ProxyResponse{StatusCode: resp.StatusCode, Headers: map[string]string{}, Body: string(out)}
	for k := range resp.Header {
		res.Headers[k] = resp.Header.Get(k)
	}
	return json.Marshal(res)
}

// Mock is a mock integration answering the same response every time.
type Mock struct {
	StatusCode int // default 200
	Headers    map[string]string
	Body       string
}

// Invoke returns m as a proxy response.
func (m Mock) Invoke(context.Context, []byte) ([]byte, error) {
	if m.StatusCode == 0 {
		m.StatusCode = http.StatusOK
	}
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(ProxyResponse{StatusCode: m.StatusCode, Headers: m.Headers, Body: m.Body}); err != nil {
		return nil, fmt.Errorf("mock: %w", err)
	}
	return b.Bytes(), nil
}
