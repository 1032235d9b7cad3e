package lambdafn_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/lambdafn"
)

// TestInvokerChoosesTheWay: a registered function runs in process; any
// other goes to the request's endpoint, else the default one, with the
// invocation type and the function (ARN colons escaped) in the path; with
// no endpoint it is not found.
func TestInvokerChoosesTheWay(t *testing.T) {
	type call struct{ path, typ, auth, body string }
	calls := make(chan call, 4)
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		calls <- call{r.URL.EscapedPath(), r.Header.Get("X-Amz-Invocation-Type"), r.Header.Get("Authorization"), string(b)}
		_, _ = w.Write([]byte(`{"remote":true}`))
	}))
	defer remote.Close()
	reg := lambdafn.New(lambdafn.Config{})
	if err := reg.Register("local", func(_ context.Context, in map[string]any) (map[string]any, error) {
		return map[string]any{"local": in["x"]}, nil
	}); err != nil {
		t.Fatal(err)
	}
	inv := lambdafn.NewInvoker(lambdafn.InvokerConfig{Functions: reg, Endpoint: remote.URL, Region: "us-east-1", AccessKeyID: "AKID", SecretAccessKey: "secret"})
	ctx := context.Background()

	res, err := inv.Invoke(ctx, lambdafn.Request{Function: "arn:aws:lambda:us-east-1:123456789012:function:local", Payload: []byte(`{"x":1}`)})
	if err != nil || string(res.Payload) != `{"local":1}` || res.Via != lambdafn.ViaInProcess || res.StatusCode != http.StatusOK {
		t.Fatalf("in process: got %+v, %v", res, err)
	}
	res, err = inv.Invoke(ctx, lambdafn.Request{Function: "arn:aws:lambda:us-east-1:123456789012:function:far", Payload: []byte(`{}`), Type: lambdafn.Event})
	if err != nil || res.Via != remote.URL {
		t.Fatalf("remote: got %+v, %v", res, err)
	}
	c := <-calls
	if c.path != "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Afar/invocations" ||
		c.typ != "Event" || !strings.HasPrefix(c.auth, "AWS4-HMAC-SHA256 Credential=AKID/") {
		t.Errorf("remote call: got %+v", c)
	}
	other := lambdafn.NewInvoker(lambdafn.InvokerConfig{})
	if _, err := other.Invoke(ctx, lambdafn.Request{Function: "far"}); !errors.Is(err, lambdafn.ErrFunctionNotFound) {
		t.Errorf("no endpoint: got %v, want ErrFunctionNotFound", err)
	}
	res, err = other.Invoke(ctx, lambdafn.Request{Function: "far", Endpoint: remote.URL, Serial: true})
	if err != nil || string(res.Payload) != `{"remote":true}` {
		t.Errorf("request endpoint: got %+v, %v", res, err)
	}
	if c := <-calls; c.typ != "RequestResponse" || c.auth != "" {
		t.Errorf("unsigned synchronous call: got %+v", c)
	}
}

// TestInvokerFunctionErrors: a function error, in process or reported by
// the Invoke API (X-Amz-Function-Error), is a *FunctionError with its
// Response carrying FunctionError "Unhandled".
func TestInvokerFunctionErrors(t *testing.T) {
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		_, _ = w.Write([]byte(`{"errorMessage":"kaput","errorType":"errorString"}`))
	}))
	defer remote.Close()
	reg := lambdafn.New(lambdafn.Config{})
	_ = reg.Register("broken", func() error { return errors.New("kaput") })
	inv := lambdafn.NewInvoker(lambdafn.InvokerConfig{Functions: reg, Endpoint: remote.URL})
	for _, fn := range []string{"broken", "remote"} {
		res, err := inv.Invoke(context.Background(), lambdafn.Request{Function: fn, Payload: []byte(`{}`)})
		var fe *lambdafn.FunctionError
		if !errors.As(err, &fe) || fe.Message != "kaput" || res.FunctionError != "Unhandled" {
			t.Errorf("%s: got %+v, %v", fn, res, err)
		}
	}
}
