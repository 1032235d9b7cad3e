package emulator_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// TestCustomAuthWebSocket: the token in the upgrade's headers, in its
// query, or in the CONNECT user name over WebSocket; a denied token in the
// headers is refused at the upgrade.
func TestCustomAuthWebSocket(t *testing.T) {
	t.Parallel()
	emu := startCustomAuth(t)
	headers := func(token string) func(*paho.ClientOptions) {
		return func(o *paho.ClientOptions) {
			o.SetHTTPHeaders(http.Header{"X-Amz-Customauthorizer-Name": {"tok"}, "Token": {token}})
		}
	}
	if _, err := dial311(t, emu.WebSocketURL(), "ws-1", "", headers("frank")); err != nil {
		t.Fatalf("headers: %v", err)
	}
	if ev := emu.fn.last(); ev.Token != "frank" || ev.ProtocolData.HTTP == nil || ev.ProtocolData.HTTP.Headers["token"] != "frank" {
		t.Fatalf("event: %+v", ev)
	}
	if _, err := dial311(t, emu.WebSocketURL(), "ws-2", "", headers("deny")); err == nil {
		t.Fatal("denied token in headers: connected")
	}
	emu.serving(t)
	q := emu.WebSocketURL() + "?x-amz-customauthorizer-name=tok&token=gina"
	if _, err := dial311(t, q, "ws-3", "", nil); err != nil {
		t.Fatalf("query: %v", err)
	}
	if _, err := dial311(t, emu.WebSocketURL(), "ws-4", username("tok", "hank", nil), nil); err != nil {
		t.Fatalf("user name over WebSocket: %v", err)
	}
	if ev := emu.fn.last(); ev.ProtocolData.MQTT == nil || ev.ProtocolData.HTTP == nil || ev.Token != "hank" {
		t.Fatalf("event: %+v", ev)
	}
	if _, err := dial311(t, emu.WebSocketURL(), "ws-5", username("tok", "deny", nil), nil); err == nil {
		t.Fatal("denied user name over WebSocket: connected")
	}
	emu.serving(t)
}

// TestCustomAuthHTTPPublish: iot-data Publish with the authorizer name and
// token in headers (or the query) and a plain http.Client; a topic the
// returned policy does not allow, a denied token and an unknown authorizer
// get 403 ForbiddenException {"message":"Forbidden","traceId"}.
func TestCustomAuthHTTPPublish(t *testing.T) {
	t.Parallel()
	emu := startCustomAuth(t)
	in := emu.Subscribe(t, "devices/ivy/x")
	post := func(path, authorizer, token string) (int, http.Header, map[string]string) {
		req, err := http.NewRequest(http.MethodPost, emu.Endpoint()+path, strings.NewReader("hello"))
		if err != nil {
			t.Fatal(err)
		}
		if authorizer != "" {
			req.Header.Set("x-amz-customauthorizer-name", authorizer)
			req.Header.Set("token", token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var body map[string]string
		_ = json.Unmarshal(b, &body)
		return resp.StatusCode, resp.Header, body
	}
	if code, _, body := post("/topics/devices%2Fivy%2Fx?qos=1", "tok", "ivy"); code != 200 || body["message"] != "OK" {
		t.Fatalf("allowed: %d %v", code, body)
	}
	if got := in.Next(t, wait); string(got.Payload) != "hello" {
		t.Fatalf("got %q", got.Payload)
	}
	if ev := emu.fn.last(); len(ev.Protocols) != 1 || ev.Protocols[0] != "http" || ev.ProtocolData.HTTP.QueryString != "?qos=1" {
		t.Fatalf("event: %+v", ev)
	}
	if code, _, _ := post("/topics/devices%2Fivy%2Fx?x-amz-customauthorizer-name=tok&token=ivy", "", ""); code != 200 {
		t.Fatalf("query: %d", code)
	}
	for name, c := range map[string][2]string{
		"topic not allowed":  {"tok", "jack"},
		"denied token":       {"tok", "deny"},
		"unknown authorizer": {"nope", "ivy"},
		"function error":     {"tok", "error"},
	} {
		code, h, body := post("/topics/devices%2Fivy%2Fx", c[0], c[1])
		if code != 403 || body["message"] != "Forbidden" || body["traceId"] == "" || !strings.HasPrefix(h.Get("x-amzn-ErrorType"), "ForbiddenException") {
			t.Errorf("%s: %d %v %v", name, code, h, body)
		}
	}
	emu.serving(t)
}

// TestCustomAuthMosquitto: mosquitto_pub with the token in -u, as the
// README shows; a denied token fails the command.
func TestCustomAuthMosquitto(t *testing.T) {
	pub := requireTool(t, "mosquitto_pub")
	emu := startCustomAuth(t)
	u, err := url.Parse(emu.MQTTURL())
	if err != nil {
		t.Fatal(err)
	}
	in := emu.Subscribe(t, "devices/kim/m")
	run := func(token string) ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		return exec.CommandContext(ctx, pub, "-h", u.Hostname(), "-p", u.Port(), "-V", "mqttv311", "-i", "mosq-"+token,
			"-u", "device?x-amz-customauthorizer-name=tok&token="+token, "-P", "pw", "-t", "devices/kim/m", "-q", "1", "-m", "hello").CombinedOutput()
	}
	if out, err := run("kim"); err != nil {
		t.Fatalf("mosquitto_pub: %v\n%s", err, out)
	}
	if got := in.Next(t, wait); string(got.Payload) != "hello" {
		t.Fatalf("got %q", got.Payload)
	}
	if out, err := run("deny"); err == nil {
		t.Fatalf("denied token: mosquitto_pub succeeded\n%s", out)
	}
	emu.serving(t)
}

// TestCustomAuthWebSocketDisconnectAfter: a token accepted at the upgrade
// carries its disconnectAfterInSeconds to the MQTT connection.
func TestCustomAuthWebSocketDisconnectAfter(t *testing.T) {
	t.Parallel()
	emu := startCustomAuth(t)
	rec := record(t, emu.Emulator, "$aws/events/presence/disconnected/ws-ttl")
	c, err := dial311(t, emu.WebSocketURL(), "ws-ttl", "", func(o *paho.ClientOptions) {
		o.SetHTTPHeaders(http.Header{"X-Amz-Customauthorizer-Name": {"tok"}, "Token": {"ttl:olga"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	evs := rec.waitFor(t, "$aws/events/presence/disconnected/ws-ttl")
	if ev := event(t, evs[len(evs)-1]); ev["disconnectReason"] != "CUSTOMAUTH_TTL_EXPIRATION" {
		t.Fatalf("event: %v", ev)
	}
	// The event is published as the server closes; the client notices after.
	testkit.Eventually(t, wait, func() error {
		if c.IsConnectionOpen() {
			return errStillConnected
		}
		return nil
	})
	emu.serving(t)
}

// TestCustomAuthInvokeEndpoint: an authorizer function that is not in
// process is invoked through the Lambda Invoke API at the Lambda endpoint.
func TestCustomAuthInvokeEndpoint(t *testing.T) {
	t.Parallel()
	var gotPath string
	lambda := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.URL.Path
		var ev map[string]any
		_ = json.NewDecoder(r.Body).Decode(&ev)
		b, _ := json.Marshal(allowAnswer(ev["token"].(string), "devices/*", nil))
		_, _ = w.Write(b)
	}))
	t.Cleanup(lambda.Close)
	emu := startCustomAuth(t, testkit.WithConfig(func(c *emulator.Config) { c.Actions.Endpoints.Lambda = lambda.URL }),
		testkit.WithFixtures(writeFixture(t, `authorizers:
  - name: remote
    authorizerFunctionArn: arn:aws:lambda:us-east-1:123456789012:function:remote-auth
    tokenKeyName: token
    signingDisabled: true
`)))
	if _, err := dial311(t, emu.MQTTURL(), "remote-1", testkit.CustomAuthUsername("d", "remote", "token", "max", nil), nil); err != nil {
		t.Fatal(err)
	}
	if gotPath != "/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:remote-auth/invocations" {
		t.Fatalf("invoked %q", gotPath)
	}
}

func writeFixture(t *testing.T, yaml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fixtures.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
