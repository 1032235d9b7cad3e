package lambdafn_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/iotemu/iotemu/lambdafn"
)

// TestInvokerEndpoints: the request's endpoint, else the function's in
// Endpoints, else the default; a per-function endpoint (and the default
// one with NameInPath) gets the bare name in the path, as the Runtime
// Interface Emulator needs, the default one the reference as given.
func TestInvokerEndpoints(t *testing.T) {
	paths := make(chan string, 1)
	serve := func(name string) *httptest.Server {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			paths <- name + " " + r.URL.EscapedPath()
			_, _ = w.Write([]byte(`{}`))
		}))
		t.Cleanup(s.Close)
		return s
	}
	def, per, req := serve("default"), serve("per-function"), serve("request")
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:fn"
	for _, tc := range []struct {
		name       string
		nameInPath bool
		request    lambdafn.Request
		want       string
	}{
		{"default gets the ARN", false, lambdafn.Request{Function: arn + ":prod"}, "default /2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Afn%3Aprod/invocations"},
		{"default with NameInPath", true, lambdafn.Request{Function: arn}, "default /2015-03-31/functions/fn/invocations"},
		{"per-function endpoint by ARN", false, lambdafn.Request{Function: "arn:aws:lambda:us-east-1:123456789012:function:mapped"}, "per-function /2015-03-31/functions/mapped/invocations"},
		{"per-function endpoint by name", false, lambdafn.Request{Function: "mapped"}, "per-function /2015-03-31/functions/mapped/invocations"},
		{"request endpoint first", false, lambdafn.Request{Function: "arn:aws:lambda:us-east-1:123456789012:function:mapped", Endpoint: req.URL}, "request /2015-03-31/functions/mapped/invocations"},
	} {
		inv := lambdafn.NewInvoker(lambdafn.InvokerConfig{Endpoint: def.URL, Endpoints: map[string]string{"mapped": per.URL}, NameInPath: tc.nameInPath})
		tc.request.Payload = []byte(`{}`)
		if _, err := inv.Invoke(context.Background(), tc.request); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := <-paths; got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestParseEndpoints(t *testing.T) {
	got, err := lambdafn.ParseEndpoints(" a=http://127.0.0.1:9000 , arn:aws:lambda:us-east-1:123456789012:function:b=https://x.example/ ,")
	if err != nil || len(got) != 2 || got["a"] != "http://127.0.0.1:9000" || got["b"] != "https://x.example/" {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range []string{"a", "a=", "a=ftp://x", "bad name=http://x", "=http://x"} {
		if _, err := lambdafn.ParseEndpoints(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
