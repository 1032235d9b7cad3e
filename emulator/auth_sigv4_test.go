package emulator_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// webPolicy lets a SigV4 identity use the web/ topics only.
const webPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iot:Connect","Resource":"*"},
 {"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":"arn:aws:iot:us-east-1:123456789012:topic/web/*"},
 {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/web/*"}]}`

var webCredential = emulator.Credential{AccessKeyID: "AKIDWEB", SecretAccessKey: "websecret", SessionToken: "session/token+1",
	PolicyDocuments: []string{webPolicy}}

// testClock is an injectable clock, moved by tests.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }
func strictSigV4(t *testing.T) (*testkit.Emulator, *testClock) {
	t.Helper()
	clock := &testClock{}
	emu := testkit.Start(t, testkit.WithStrictAuth(webCredential, cliCredential),
		testkit.WithConfig(func(c *emulator.Config) { c.Auth.Now = clock.now }))
	return emu, clock
}

// TestStrictSigV4WebSocket: a presigned /mqtt URL signed as AWS's
// reference code does (session token appended after signing) connects and
// is authorised by the credential's policies; a bad signature and an
// expired one are refused at the upgrade with 403 and AWS's error; other
// clients keep being served.
func TestStrictSigV4WebSocket(t *testing.T) {
	t.Parallel()
	emu, clock := strictSigV4(t)
	bys := strictBystander(t, emu)
	host := strings.TrimPrefix(emu.WebSocketURL(), "ws://")
	host = strings.TrimSuffix(host, "/mqtt")
	good := presignWS(host, webCredential, time.Now())

	c := emu.Connect(t, "browser", testkit.WithPahoOptions(func(o *paho.ClientOptions) { o.Servers = nil; o.AddBroker(good) }))
	in := c.Subscribe(t, "web/chat", 1)
	c.Publish(t, "web/chat", 1, false, []byte("hi"))
	if got := in.Next(t, wait); string(got.Payload) != "hi" {
		t.Fatalf("got %q", got.Payload)
	}
	bys.check(t)

	tampered := strings.Replace(good, "X-Amz-Signature=", "X-Amz-Signature=0", 1)
	wsRefused(t, tampered, "InvalidSignatureException", "The request signature we calculated does not match")
	bys.check(t)
	clock.advance(10 * time.Minute)
	wsRefused(t, good, "InvalidSignatureException", "Signature expired")
	bys.check(t)
}

// wsRefused dials a /mqtt URL and expects a 403 with AWS's error.
func wsRefused(t *testing.T, u, errType, message string) {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{"mqtt"}, HandshakeTimeout: wait}
	conn, resp, err := d.Dial(u, nil)
	if err == nil {
		_ = conn.Close()
		t.Fatalf("%s: upgraded, want 403", u)
	}
	if resp == nil {
		t.Fatalf("no response: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusForbidden || !strings.HasPrefix(resp.Header.Get("x-amzn-ErrorType"), errType) ||
		!strings.Contains(string(body), message) {
		t.Fatalf("got %d %s %s, want 403 %s %q", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), body, errType, message)
	}
}

// TestStrictSigV4HTTPPublish: iot-data Publish signed with a configured
// credential is authorised by its policies (403 ForbiddenException
// "Forbidden" when denied); a bad signature, an expired one and an
// unsigned request are refused with AWS's errors; the control plane
// requires a signature too.
func TestStrictSigV4HTTPPublish(t *testing.T) {
	t.Parallel()
	emu, clock := strictSigV4(t)
	bys := strictBystander(t, emu)
	in := emu.Subscribe(t, "web/#")
	for _, tt := range []struct {
		name, path string
		cred       emulator.Credential
		at         time.Time
		status     int
		errType    string
	}{
		{"allowed", "/topics/web%2Fnews?qos=1", webCredential, time.Now(), 200, ""},
		{"denied by policy", "/topics/other%2Fnews", webCredential, time.Now(), 403, "ForbiddenException"},
		{"retain denied", "/topics/web%2Fnews?retain=true", webCredential, time.Now(), 403, "ForbiddenException"},
		{"bad signature", "/topics/web%2Fnews", emulator.Credential{AccessKeyID: "AKIDWEB", SecretAccessKey: "wrong", SessionToken: webCredential.SessionToken}, time.Now(), 403, "InvalidSignatureException"},
		{"expired", "/topics/web%2Fnews", webCredential, clock.now().Add(-10 * time.Minute), 403, "InvalidSignatureException"},
		{"unsigned", "/topics/web%2Fnews", emulator.Credential{}, time.Now(), 403, "ForbiddenException"},
		{"control plane unsigned", "/things", emulator.Credential{}, time.Now(), 403, "MissingAuthenticationTokenException"},
	} {
		method := http.MethodPost
		if strings.HasPrefix(tt.path, "/things") {
			method = http.MethodGet
		}
		status, errType, body := signedRequest(t, emu, method, tt.path, "payload", tt.cred, tt.at)
		if status != tt.status || !strings.HasPrefix(errType, tt.errType) {
			t.Errorf("%s: got %d %s %s, want %d %s", tt.name, status, errType, body, tt.status, tt.errType)
		}
		if tt.errType == "ForbiddenException" && !strings.Contains(body, `"message":"Forbidden"`) {
			t.Errorf("%s: body %s, want message Forbidden", tt.name, body)
		}
	}
	if got := in.Next(t, wait); got.Topic != "web/news" {
		t.Fatalf("delivered %s", got.Topic)
	}
	emu.Publish(t, emulator.Message{Topic: "web/sentinel", Payload: []byte("sentinel")})
	if got := in.Next(t, wait); got.Topic != "web/sentinel" {
		t.Fatalf("a refused publish was delivered: got %s %q before the sentinel", got.Topic, got.Payload)
	}
	bys.check(t)
}

// signedRequest sends an iot-data request signed by cred (unsigned when
// cred is zero) at time at.
func signedRequest(t *testing.T, emu *testkit.Emulator, method, path, body string, cred emulator.Credential, at time.Time) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, emu.Endpoint()+path, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	if cred.AccessKeyID != "" {
		sum := sha256.Sum256([]byte(body))
		creds := aws.Credentials{AccessKeyID: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey, SessionToken: cred.SessionToken}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "iotdata", "us-east-1", at); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), string(b)
}

// presignWS signs a ws:// /mqtt URL as AWS's reference code does
// (https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html#mqtt-ws): sorted query, host signed, SHA-256("") payload, the
// session token appended after the signature.
func presignWS(hostPort string, cred emulator.Credential, at time.Time) string {
	return presignWSExpires(hostPort, cred, at, 0)
}

// presignWSExpires is presignWS with X-Amz-Expires (seconds) when not 0.
func presignWSExpires(hostPort string, cred emulator.Credential, at time.Time, expires int) string {
	amzDate := at.UTC().Format("20060102T150405Z")
	scope := amzDate[:8] + "/us-east-1/iotdevicegateway/aws4_request"
	query := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + url.QueryEscape(cred.AccessKeyID+"/"+scope) +
		"&X-Amz-Date=" + amzDate
	if expires != 0 {
		query += "&X-Amz-Expires=" + strconv.Itoa(expires)
	}
	query += "&X-Amz-SignedHeaders=host"
	empty := sha256.Sum256(nil)
	canonical := "GET\n/mqtt\n" + query + "\nhost:" + hostPort + "\n\nhost\n" + hex.EncodeToString(empty[:])
	sum := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := hmacSHA([]byte("AWS4"+cred.SecretAccessKey), amzDate[:8])
	for _, s := range []string{"us-east-1", "iotdevicegateway", "aws4_request"} {
		key = hmacSHA(key, s)
	}
	query += "&X-Amz-Signature=" + hex.EncodeToString(hmacSHA(key, toSign))
	if cred.SessionToken != "" {
		query += "&X-Amz-Security-Token=" + url.QueryEscape(cred.SessionToken)
	}
	return "ws://" + hostPort + "/mqtt?" + query
}

func hmacSHA(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
