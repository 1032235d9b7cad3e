package actions_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions"
)

type httpCall struct {
	method, path, query, contentType, device, static string
	body                                             string
	msgType                                          string
}

func capture(calls chan<- httpCall, status *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		calls <- httpCall{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"), r.Header.Get("X-Device"),
			r.Header.Get("X-Static"), string(b), r.Header.Get("x-amz-rules-engine-message-type")}
		w.WriteHeader(int(status.Load()))
	}
}

// TestHTTPAction: POST to the rendered url with the rendered header values
// and the default JSON content type. AWS: https-rule-action.html.
func TestHTTPAction(t *testing.T) {
	calls := make(chan httpCall, 4)
	var status atomic.Int32
	status.Store(200)
	srv := httptest.NewServer(capture(calls, &status))
	defer srv.Close()
	env := newEnv(t, actions.Config{})
	body := `{"url":"` + srv.URL + `/ingest/${topic(2)}","confirmationUrl":"` + srv.URL + `/ingest",
		"headers":[{"key":"X-Device","value":"${clientid()}"},{"key":"X-Static","value":"v"}]}`
	rec, ep := run(t, env, "SELECT temp FROM 'sensors/+'", "http", body, rules.Message{Topic: "sensors/d9", ClientID: "dev-9", Payload: []byte(`{"temp":3}`)})
	if rec.Err != nil || ep != nil {
		t.Fatalf("http failed: %v", rec.Err)
	}
	c := <-calls
	want := httpCall{method: "POST", path: "/ingest/d9", contentType: "application/json", device: "dev-9", static: "v", body: `{"temp":3}`}
	if c != want {
		t.Errorf("request = %+v\nwant      %+v", c, want)
	}
	// A content-type header overrides the default; a binary output is
	// application/octet-stream.
	rec, _ = run(t, env, "SELECT * FROM 'b'", "http", `{"url":"`+srv.URL+`/bin"}`, rules.Message{Topic: "b", Payload: []byte{0xff}})
	if c := <-calls; c.contentType != "application/octet-stream" || rec.Err != nil {
		t.Errorf("binary: content type %q, err %v", c.contentType, rec.Err)
	}
}

// TestHTTPConfirmation: with ConfirmHTTPDestinations, the first message
// to a destination is preceded by AWS's confirmation request.
// AWS: rule-destination-http-managing.html.
func TestHTTPConfirmation(t *testing.T) {
	calls := make(chan httpCall, 4)
	var status atomic.Int32
	status.Store(200)
	srv := httptest.NewServer(capture(calls, &status))
	defer srv.Close()
	env := newEnv(t, actions.Config{ConfirmHTTPDestinations: true})
	body := `{"url":"` + srv.URL + `/hook/x","confirmationUrl":"` + srv.URL + `/hook"}`
	for range 2 {
		if rec, _ := run(t, env, "SELECT * FROM 'c'", "http", body, rules.Message{Topic: "c", Payload: []byte(`{}`)}); rec.Err != nil {
			t.Fatal(rec.Err)
		}
	}
	conf := <-calls
	var dc actions.DestinationConfirmation
	_ = json.Unmarshal([]byte(conf.body), &dc)
	if conf.path != "/hook/" || conf.msgType != "DestinationConfirmation" || dc.MessageType != "DestinationConfirmation" ||
		conf.query != "confirmationToken="+dc.ConfirmationToken || dc.EnableURL != "https://iot.us-east-1.amazonaws.com/confirmdestination/"+dc.ConfirmationToken {
		t.Errorf("confirmation = %+v, body %+v", conf, dc)
	}
	if c1, c2 := <-calls, <-calls; c1.path != "/hook/x" || c2.path != "/hook/x" {
		t.Errorf("messages went to %s, %s", c1.path, c2.path)
	}
}

// TestHTTPFailures: 5xx (retried twice, AWS's rule), unreachable and a
// timeout each fire the error action with HttpAction and the url.
func TestHTTPFailures(t *testing.T) {
	calls := make(chan httpCall, 8)
	var status atomic.Int32
	status.Store(503)
	srv := httptest.NewServer(capture(calls, &status))
	defer srv.Close()
	block := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer slow.Close()
	defer close(block)
	dead := closedPort(t)
	for name, c := range map[string]struct{ url, want string }{
		"5xx":         {srv.URL + "/x", "status 503"},
		"unreachable": {dead + "/x", "connection refused"},
		"timeout":     {slow.URL + "/x", "deadline exceeded"},
	} {
		t.Run(name, func(t *testing.T) {
			env := newEnv(t, actions.Config{Timeout: 200 * time.Millisecond})
			_, ep := run(t, env, "SELECT * FROM 'a'", "http", `{"url":"`+c.url+`"}`, rules.Message{Topic: "a", Payload: []byte(`{}`)})
			checkFailure(t, ep, "HttpAction", c.url, c.want)
		})
	}
	if n := len(calls); n != 3 {
		t.Errorf("5xx: %d attempts, want 3", n)
	}
}
