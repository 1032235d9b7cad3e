package emulator

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// fuzzHTTPSeeds are requests the tests send (the SDKs', the CLI's, raw
// ones), one per decoder: the control plane, iot-data (publish, shadows,
// retained messages, connections), apigatewayv2 and @connections.
var fuzzHTTPSeeds = []struct {
	port                    uint8 // 0: the HTTP port's mux; 1: the API Gateway port
	method, target, headers string
	body                    string
}{
	{0, "POST", "/things/lamp", "Content-Type: application/json", `{"attributePayload":{"attributes":{"room":"kitchen"}}}`},
	{0, "PATCH", "/things/lamp", "Content-Type: application/json", `{"attributePayload":{"attributes":{"a":"b"},"merge":true},"expectedVersion":1}`},
	{0, "GET", "/things?maxResults=2&attributeName=room&attributeValue=kitchen", "", ""},
	{0, "POST", "/policies/p", "", `{"policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iot:*\",\"Resource\":\"*\"}]}"}`},
	{0, "POST", "/keys-and-certificate?setAsActive=true", "", ""},
	{0, "POST", "/rules/r1", "", `{"sql":"SELECT * FROM 'a'","actions":[{"republish":{"topic":"b","roleArn":"arn:aws:iam::123456789012:role/r"}}]}`},
	{0, "POST", "/thing-groups/g", "", `{"thingGroupProperties":{"thingGroupDescription":"d"},"tags":[{"Key":"k","Value":"v"}]}`},
	{0, "PUT", "/jobs/j1", "", `{"targets":["arn:aws:iot:us-east-1:123456789012:thing/lamp"],"document":"{}"}`},
	{0, "POST", "/thing-types/lampType", "", `{"thingTypeProperties":{"searchableAttributes":["room"]}}`},
	{0, "POST", "/role-aliases/ra", "", `{"roleArn":"arn:aws:iam::123456789012:role/r","credentialDurationSeconds":900}`},
	{0, "POST", "/authorizer/auth1", "", `{"authorizerFunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:f","signingDisabled":true,"status":"ACTIVE"}`},
	{0, "PUT", "/job-templates/jt1", "", `{"description":"d","document":"{\"op\":\"x\"}"}`},
	{0, "POST", "/provisioning-templates", "", `{"templateName":"pt","provisioningRoleArn":"arn:aws:iam::123456789012:role/r","enabled":true,"templateBody":"{\"Parameters\":{\"ThingName\":{\"Type\":\"String\"}},\"Resources\":{\"thing\":{\"Type\":\"AWS::IoT::Thing\",\"Properties\":{\"ThingName\":{\"Ref\":\"ThingName\"}}}}}"}`},
	{0, "PATCH", "/event-configurations", "", `{"eventConfigurations":{"THING":{"Enabled":true}}}`},
	{0, "POST", "/destinations", "", `{"destinationConfiguration":{"httpUrlConfiguration":{"confirmationUrl":"https://example.com/c"}}}`},
	{0, "POST", "/test-authorization", "", `{"principal":"x","authInfos":[{"actionType":"PUBLISH","resources":["arn:aws:iot:us-east-1:123456789012:topic/a"]}]}`},
	{0, "POST", "/indices/search", "", `{"queryString":"thingName:la*"}`},
	{0, "POST", "/topics/a%2Fb?qos=1&retain=true", "x-amz-mqtt5-user-properties: W3sia2V5IjoiYSIsInZhbHVlIjoiYiJ9XQ==\nx-amz-mqtt5-payload-format-indicator: UTF8_DATA", "hello"},
	{0, "POST", "/topics/dev/1?qos=0&contentType=text%2Fplain&responseTopic=r&messageExpiry=10", "x-amz-mqtt5-correlation-data: YWJj", "{}"},
	{0, "POST", "/things/lamp/shadow", "", `{"state":{"reported":{"on":true}}}`},
	{0, "POST", "/things/lamp/shadow?name=n1", "", `{"state":{"desired":{"c":{"r":1}}},"clientToken":"t"}`},
	{0, "GET", "/things/lamp/shadow?name=n1", "", ""},
	{0, "GET", "/api/things/shadow/ListNamedShadowsForThing/lamp?pageSize=1", "", ""},
	{0, "DELETE", "/things/lamp/shadow", "", ""},
	{0, "GET", "/retainedMessage/a%2Fb", "", ""},
	{0, "GET", "/retainedMessage?maxResults=1", "", ""},
	{0, "GET", "/connections/c1", "", ""},
	{0, "GET", "/connections/c1/subscriptions?maxResults=5", "", ""},
	{0, "DELETE", "/connections/c1?cleanSession=true&preventWillMessage=true", "", ""},
	{0, "POST", "/connections/c1/messages?topic=a", "", "direct"},
	{0, "POST", "/v2/apis", "", `{"name":"chat","protocolType":"WEBSOCKET","routeSelectionExpression":"$request.body.action"}`},
	{0, "GET", "/v2/apis?maxResults=1", "", ""},
	{1, "POST", "/v2/apis/a1/routes", "", `{"routeKey":"$default","target":"integrations/i1"}`},
	{1, "POST", "/prod/@connections/AAAAAAAAAAAAAAA%3D", "Content-Type: application/json", `{"hello":1}`},
	{1, "GET", "/@connections/AAAAAAAAAAAAAAA%3D", "", ""},
	{1, "DELETE", "/prod/@connections/x", "", ""},
	{0, "POST", "/iotemu/faults", "", `{"kind":"drop","topic":"a/#","count":1}`},
	{0, "POST", "/iotemu/reset?area=shadows", "", ""},
}

// FuzzHTTP: any request to the HTTP port's handler (control plane,
// iot-data, apigatewayv2, the iotemu API) in permissive and in strict mode
// (SigV4 and policies decoded first), or to the API Gateway port's
// (apigatewayv2, @connections) is answered within a bound, without a
// panic, with a success or an AWS error: a 4xx/5xx with x-amzn-ErrorType
// and a JSON object carrying a message. One started Server serves every
// exec in process (httptest), so an exec costs a request; the state the
// fuzzer builds is reset every fuzzResetEvery execs.
func FuzzHTTP(f *testing.F) {
	for _, s := range fuzzHTTPSeeds {
		f.Add(s.port, s.method, s.target, s.headers, []byte(s.body))
	}
	srv := startFuzzServer(f, Config{})
	strict := startFuzzServer(f, Config{Auth: AuthConfig{Mode: AuthStrict, Credentials: []Credential{fuzzCredential}}})
	for _, s := range fuzzHTTPSeeds {
		if s.port == 0 {
			f.Add(uint8(2), s.method, s.target, s.headers, []byte(s.body))
			f.Add(uint8(2), s.method, s.target, signedHeaders(f, s.method, s.target, s.headers, s.body), []byte(s.body))
		}
	}
	handlers := []http.Handler{srv.http, srv.apigw.Handler(), strict.http}
	execs := 0
	f.Fuzz(func(t *testing.T, port uint8, method, target, headers string, body []byte) {
		req, ok := fuzzRequest(method, target, headers, body)
		if !ok || longLived(req) {
			return
		}
		countExec("FuzzHTTP")
		if execs++; execs%fuzzResetEvery == 0 {
			for _, s := range []*Server{srv, strict} {
				if err := boundedReset(s); err != nil {
					t.Fatal(err)
				}
			}
		}
		h := int(port) % len(handlers)
		ctx, cancel := context.WithTimeout(t.Context(), fuzzHTTPBound)
		defer cancel()
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			defer close(done)
			handlers[h].ServeHTTP(rec, req.WithContext(ctx))
		}()
		select {
		case <-done:
		case <-time.After(2 * fuzzHTTPBound):
			t.Fatalf("%s %q: no answer within %s", method, target, 2*fuzzHTTPBound)
		}
		if err := checkAnswer(rec, h == 1 && gatewayResponse(req)); err != nil {
			t.Fatalf("%s %q (headers %q, body %q): %v", method, target, headers, body, err)
		}
	})
}

const (
	fuzzHTTPBound  = 5 * time.Second
	fuzzResetEvery = 500
)

// boundedReset resets every area, or fails with every goroutine's stack if
// that takes more than fuzzHTTPBound.
func boundedReset(srv *Server, areas ...string) error {
	done := make(chan error, 1)
	go func() { done <- srv.Reset(context.Background(), areas...) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("reset: %w", err)
		}
		return nil
	case <-time.After(fuzzHTTPBound):
		buf := make([]byte, 1<<20)
		return fmt.Errorf("reset did not return within %s:\n%s", fuzzHTTPBound, buf[:runtime.Stack(buf, true)])
	}
}

// fuzzCredential signs the strict server's seeds; its identity may do
// anything, so that a signed request reaches the decoders behind strict
// mode's checks.
var fuzzCredential = Credential{AccessKeyID: "AKIDFUZZ", SecretAccessKey: "fuzz-secret",
	PolicyDocuments: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`}}

// signedHeaders returns headers with a SigV4 signature of the request by
// fuzzCredential, made now, for iot-data or the control plane ("iot").
func signedHeaders(tb testing.TB, method, target, headers, body string) string {
	tb.Helper()
	req, err := http.NewRequest(method, "http://localhost"+target, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: fuzzCredential.AccessKeyID, SecretAccessKey: fuzzCredential.SecretAccessKey}
	service := "iot"
	if p := req.URL.Path; strings.HasSuffix(p, "/shadow") || strings.HasPrefix(p, "/api/things/shadow/") ||
		strings.HasPrefix(p, "/topics/") || strings.HasPrefix(p, "/retainedMessage") || strings.HasPrefix(p, "/connections/") {
		service = "iotdata"
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		tb.Fatal(err)
	}
	for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Content-Sha256"} {
		if v := req.Header.Get(h); v != "" {
			headers += "\n" + h + ": " + v
		}
	}
	return strings.TrimPrefix(headers, "\n")
}

// startFuzzServer starts a Server for a fuzz target, closed at its end.
func startFuzzServer(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	// ECDSA keys: CreateKeysAndCertificate in milliseconds, not an RSA key per exec.
	cfg.Compat.ECDSAKeysAndCertificate = true
	srv, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = srv.Close(context.Background()) })
	return srv
}

// fuzzRequest parses the fuzzed parts as net/http's server would: what it
// would refuse itself (a malformed request line or header) never reaches a
// handler. The body's length is always the body's: framing is net/http's.
func fuzzRequest(method, target, headers string, body []byte) (*http.Request, bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: localhost\r\n", method, target)
	for line := range strings.SplitSeq(headers, "\n") {
		line = strings.TrimSuffix(line, "\r")
		name, _, ok := strings.Cut(line, ":")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "content-length", "transfer-encoding", "host", "connection", "upgrade":
			continue
		}
		if ok {
			b.WriteString(line + "\r\n")
		}
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(b.String())))
	if err != nil {
		return nil, false
	}
	req.RemoteAddr = "127.0.0.1:40000"
	return req, true
}

// longLived says whether a request is one that holds its connection by
// design (the console's feed, WebSocket upgrades): not a decoder's.
func longLived(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/iotemu/console/messages") || r.URL.Path == "/mqtt"
}

// gatewayResponse says whether a request to the API Gateway port is one
// to a WebSocket API's URL (neither @connections nor the apigatewayv2
// control plane), answered by API Gateway's gateway responses: a JSON
// {"message": ...} without x-amzn-ErrorType (docs/compatibility.md "API
// Gateway WebSocket mimic").
func gatewayResponse(r *http.Request) bool {
	return !strings.Contains(r.URL.Path, "@connections") && !strings.HasPrefix(r.URL.Path, "/v2/")
}

// checkAnswer: a success, or an AWS error of the restJson1 protocols the
// ports speak (iot, iot-data, apigatewayv2, apigatewaymanagementapi), or
// for a WebSocket API's URL a gateway response.
func checkAnswer(rec *httptest.ResponseRecorder, gateway bool) error {
	code := rec.Code
	if code < 200 || code > 599 {
		return fmt.Errorf("status %d", code)
	}
	if code < 400 {
		return nil
	}
	if !gateway && rec.Header().Get("X-Amzn-ErrorType") == "" {
		return fmt.Errorf("status %d without x-amzn-ErrorType (body %q)", code, rec.Body.Bytes())
	}
	var e map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		return fmt.Errorf("status %d, error body is not a JSON object: %w (%q)", code, err, rec.Body.Bytes())
	}
	msg, ok := e["message"].(string)
	if !ok {
		msg, ok = e["Message"].(string)
	}
	if !ok {
		return fmt.Errorf("status %d, error body without a message: %q", code, rec.Body.Bytes())
	}
	if code == http.StatusInternalServerError {
		// A 500 answers a fault of iotemu, never a client's input.
		return fmt.Errorf("status 500 for a client's request: %s", msg)
	}
	return nil
}
