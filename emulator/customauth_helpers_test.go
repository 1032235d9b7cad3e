package emulator_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/testkit"
)

// authFn is the test authorizer function. The token decides: "deny" →
// isAuthenticated false, "error" → a function error, "malformed" → an
// invalid principalId, "ttl:<p>" → disconnectAfterInSeconds 300,
// "refresh:<p>" → refreshAfterInSeconds 300 (devices/<p>/a allowed the
// first time, devices/<p>/b after), anything else → principal <token>
// allowed on devices/<token>/*.
type authFn struct {
	mu     sync.Mutex
	calls  map[string]int
	events []events.IoTCoreCustomAuthorizerRequest
}

func (f *authFn) handle(_ context.Context, ev events.IoTCoreCustomAuthorizerRequest) (map[string]any, error) {
	f.mu.Lock()
	f.calls[ev.Token]++
	n := f.calls[ev.Token]
	f.events = append(f.events, ev)
	f.mu.Unlock()
	kind, p, _ := strings.Cut(ev.Token, ":")
	switch kind {
	case "deny":
		return map[string]any{"isAuthenticated": false}, nil
	case "error":
		return nil, errors.New("boom")
	case "malformed":
		return map[string]any{"isAuthenticated": true, "principalId": "not valid!"}, nil
	case "ttl":
		return allowAnswer(p, "devices/"+p+"/*", map[string]any{"disconnectAfterInSeconds": 300}), nil
	case "refresh":
		topic := "devices/" + p + "/a"
		if n > 1 {
			topic = "devices/" + p + "/b"
		}
		return allowAnswer(p, topic, map[string]any{"refreshAfterInSeconds": 300}), nil
	}
	return allowAnswer(ev.Token, "devices/"+ev.Token+"/*", nil), nil
}

func allowAnswer(principal, topics string, extra map[string]any) map[string]any {
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iot:Connect","Resource":"*"},
 {"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":"arn:aws:iot:*:*:topic/%[1]s"},
 {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:*:*:topicfilter/%[1]s"}]}`, topics)
	out := map[string]any{"isAuthenticated": true, "principalId": principal, "policyDocuments": []string{doc}}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func (f *authFn) count(token string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[token]
}

func (f *authFn) last() events.IoTCoreCustomAuthorizerRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.events[len(f.events)-1]
}

// customAuthEmu is a strict emulator with the authorizers "tok" (signing
// disabled, token key "token"), "signed" (signing enabled with key) and
// "off" (INACTIVE), all running fn; one authorizer second lasts 1 ms.
type customAuthEmu struct {
	*testkit.Emulator
	fn  *authFn
	key *rsa.PrivateKey
}

func startCustomAuth(t *testing.T, opts ...testkit.Option) *customAuthEmu {
	t.Helper()
	key, pub := signingKey(t)
	fn := &authFn{calls: map[string]int{}}
	h := fn.handle
	opts = append([]testkit.Option{
		testkit.WithConfig(func(c *emulator.Config) {
			c.Auth.Mode = emulator.AuthStrict
			c.Limits.CustomAuthSecond = time.Millisecond
		}),
		testkit.WithAuthorizer(fixtures.Authorizer{Name: "tok", AuthorizerFunctionArn: "authfn", TokenKeyName: "token", SigningDisabled: true}, h),
		testkit.WithAuthorizer(fixtures.Authorizer{Name: "signed", AuthorizerFunctionArn: "authfn", TokenKeyName: "token",
			TokenSigningPublicKeys: map[string]string{"k1": pub}}, h),
		testkit.WithAuthorizer(fixtures.Authorizer{Name: "off", AuthorizerFunctionArn: "authfn", Status: "INACTIVE", SigningDisabled: true}, h),
	}, opts...)
	return &customAuthEmu{Emulator: testkit.Start(t, opts...), fn: fn, key: key}
}

// sign is the token signature a device computes: base64(RSA SHA-256).
func (e *customAuthEmu) sign(t *testing.T, token string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(token))
	raw, err := rsa.SignPKCS1v15(rand.Reader, e.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(raw)
}

// username presents token to authorizer, with the Go SDK's metric keys.
func username(authorizer, token string, extra url.Values) string {
	if extra == nil {
		extra = url.Values{}
	}
	extra.Set("SDK", "Go")
	extra.Set("Version", "1")
	return testkit.CustomAuthUsername("device", authorizer, "token", token, extra)
}

// dial311 connects a paho MQTT 3.1.1 client with a user name; the error
// is the CONNECT's.
func dial311(t *testing.T, broker, clientID, user string, edit func(*paho.ClientOptions)) (paho.Client, error) {
	t.Helper()
	o := paho.NewClientOptions().AddBroker(broker).SetClientID(clientID).SetUsername(user).SetPassword("pw").
		SetAutoReconnect(false).SetConnectRetry(false).SetConnectTimeout(wait).SetCleanSession(true)
	if edit != nil {
		edit(o)
	}
	c := paho.NewClient(o)
	tok := c.Connect()
	if !tok.WaitTimeout(wait) {
		t.Fatal("connect timed out")
	}
	if tok.Error() == nil {
		t.Cleanup(func() { c.Disconnect(0) })
	}
	return c, tok.Error()
}

// serving proves the broker still admits and serves custom-auth clients.
func (e *customAuthEmu) serving(t *testing.T) {
	t.Helper()
	c, err := dial311(t, e.MQTTURL(), "alive-"+fmt.Sprint(time.Now().UnixNano()), username("tok", "alive", nil), nil)
	if err != nil {
		t.Fatalf("broker not serving: %v", err)
	}
	in := e.Subscribe(t, "devices/alive/check")
	if tok := c.Publish("devices/alive/check", 1, false, "ok"); !tok.WaitTimeout(wait) || tok.Error() != nil {
		t.Fatalf("publish: %v", tok.Error())
	}
	if got := in.Next(t, wait); string(got.Payload) != "ok" {
		t.Fatalf("broker not serving: got %q", got.Payload)
	}
	c.Disconnect(0)
}
