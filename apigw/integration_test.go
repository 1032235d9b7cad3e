package apigw_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/iotemu/iotemu/lambdafn"

	"github.com/iotemu/iotemu/apigw"
)

// fakeRIE answers like the Lambda Runtime Interface Emulator: the path is
// fixed, function errors and timeouts come back as 200.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/images-test.html#images-test.
func fakeRIE(t *testing.T, answer func(event []byte) (hdr http.Header, body string)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/2015-03-31/functions/function/invocations" {
			http.NotFound(w, r)
			return
		}
		ev, _ := io.ReadAll(r.Body)
		hdr, body := answer(ev)
		for k, v := range hdr {
			w.Header()[k] = v
		}
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestLambdaInvokeAPI: results, and each failure the Invoke API reports,
// on a two-way route.
func TestLambdaInvokeAPI(t *testing.T) {
	tests := []struct {
		name string
		hdr  http.Header
		body string
		want string
	}{
		{"result", nil, `{"statusCode":200,"body":"from rie"}`, "from rie"},
		{"Go function error (RIE: 200, no header)", nil, `{"errorMessage":"boom","errorType":"errorString"}`, "Internal server error"},
		{"X-Amz-Function-Error", http.Header{"X-Amz-Function-Error": {"Unhandled"}}, `{"errorMessage":"boom"}`, "Internal server error"},
		{"timeout (plain text)", nil, `Task timed out after 3.00 seconds`, "Internal server error"},
		{"process exit (empty body)", nil, ``, "Internal server error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := fakeRIE(t, func([]byte) (http.Header, string) { return tt.hdr, tt.body })
			s := start(t, apigw.Config{APIs: []apigw.API{{Stage: "prod", Routes: []apigw.Route{
				{Key: "$default", TwoWay: true, Integration: &apigw.LambdaInvokeAPI{Endpoint: url, FunctionName: "function"}},
			}}}})
			ws := dial(t, s, "/prod", nil)
			send(t, ws, "hi")
			got := next(t, ws)
			if tt.want == "Internal server error" {
				got = got[:len(`{"message": "Internal server error"`)]
				tt.want = `{"message": "Internal server error"`
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestHTTPProxy: the message body goes to the backend; its response body
// comes back on a two-way route; an unreachable backend is a failure.
func TestHTTPProxy(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_, _ = io.WriteString(w, r.Method+" "+string(b))
	}))
	defer backend.Close()
	s := start(t, apigw.Config{APIs: []apigw.API{{Stage: "prod", Routes: []apigw.Route{
		{Key: "$default", TwoWay: true, Integration: &apigw.HTTPProxy{URL: backend.URL}},
		{Key: "down", TwoWay: true, Integration: &apigw.HTTPProxy{URL: "http://127.0.0.1:1/"}},
	}}}})
	ws := dial(t, s, "/prod", nil)
	send(t, ws, "hello")
	if got := next(t, ws); got != "POST hello" {
		t.Errorf("got %q, want %q", got, "POST hello")
	}
	send(t, ws, `{"action":"down"}`)
	if got := next(t, ws); got[:35] != `{"message": "Internal server error"` {
		t.Errorf("got %q, want the Internal server error frame", got)
	}
}

// invokers is a FunctionInvoker over a map, standing in for the emulator's
// registry.
type invokers map[string]apigw.Integration

func (m invokers) Invoke(ctx context.Context, req lambdafn.Request) (lambdafn.Response, error) {
	in, ok := m[req.Function]
	if !ok {
		return lambdafn.Response{}, io.EOF
	}
	out, err := in.Invoke(ctx, req.Payload)
	return lambdafn.Response{Payload: out}, err
}

// TestFunctionIntegration: routes naming a function run it through
// Config.Functions.
func TestFunctionIntegration(t *testing.T) {
	s := start(t, apigw.Config{
		Functions: invokers{"echo": apigw.Mock{Body: "from echo"}},
		APIs: []apigw.API{{Stage: "prod", Routes: []apigw.Route{
			{Key: "$default", TwoWay: true, Integration: apigw.Function("echo")},
		}}},
	})
	ws := dial(t, s, "/prod", nil)
	send(t, ws, "x")
	if got := next(t, ws); got != "from echo" {
		t.Errorf("got %q", got)
	}
}
