package customauth

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/policy"
)

// TestSplitUsername: the user name as base?query with URL-encoded values
// and the device SDKs' metric keys tolerated.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth.html#custom-auth-mqtt
func TestSplitUsername(t *testing.T) {
	sig := "ab+c/d=="
	u := "u?x-amz-customauthorizer-name=A&SDK=Go&Version=1&x-amz-customauthorizer-signature=" + url.QueryEscape(sig) + "&token=t%26k"
	base, q := splitUsername(u)
	if base != "u" || q.Get(nameKey) != "A" || q.Get("SDK") != "Go" || q.Get("token") != "t&k" || q.Get(signatureKey) != sig {
		t.Fatalf("got %q %v", base, q)
	}
	p := presentedInUsername("u?x-amz-customauthorizer-signature=ab+c/d==&x-amz-customauthorizer-name=A&bad=%zz&token=x")
	if p.name != "A" || p.signature != sig {
		t.Fatalf("unencoded +: %+v", p)
	}
	if tok, ok := p.token("token"); !ok || tok != "x" {
		t.Fatalf("token %q %v", tok, ok)
	}
	if _, ok := p.token("other"); ok {
		t.Fatal("absent key found")
	}
	if p := presentedInUsername("plain"); p.named() {
		t.Fatal("plain user name names an authorizer")
	}
}

// TestPresentedInHTTP: headers win over the query.
func TestPresentedInHTTP(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/topics/a?x-amz-customauthorizer-name=Q&tok=fromquery&x-amz-customauthorizer-signature=c2ln", nil)
	r.Header.Set("X-Amz-CustomAuthorizer-Name", "H")
	p := presentedInHTTP(r)
	if tok, _ := p.token("tok"); p.name != "H" || p.signature != "c2ln" || tok != "fromquery" {
		t.Fatalf("got %+v %q", p, tok)
	}
}

// TestVerifyTokenSignature: RSA SHA-256 over the raw token, base64.
func TestVerifyTokenSignature(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("tok"))
	raw, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := base64.StdEncoding.EncodeToString(raw)
	keys := []*rsa.PublicKey{&k.PublicKey}
	if err := verifyTokenSignature(keys, "tok", sig); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ token, sig string }{{"other", sig}, {"tok", ""}, {"tok", "!!"}, {"tok", base64.StdEncoding.EncodeToString([]byte("x"))}} {
		if err := verifyTokenSignature(keys, tc.token, tc.sig); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%q/%q: got %v", tc.token, tc.sig, err)
		}
	}
}

const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`

// TestParseAuthorizerResponse: the response rules.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth-lambda.html#custom-auth-lambda
func TestParseAuthorizerResponse(t *testing.T) {
	ok := `{"isAuthenticated":true,"principalId":"dev1","policyDocuments":[` + allowAll + `,` + strconvQuote(allowAll) +
		`],"disconnectAfterInSeconds":300,"refreshAfterInSeconds":86400}`
	res, err := parseResponse([]byte(ok), policy.Parse)
	if err != nil || res.PrincipalID != "dev1" || len(res.policies) != 2 || res.DisconnectAfter != 300 || res.RefreshAfter != 86400 {
		t.Fatalf("got %+v %v", res, err)
	}
	tooMany := `{"isAuthenticated":true,"principalId":"p","policyDocuments":[` + strings.Repeat(allowAll+",", 10) + allowAll + `]}`
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"` + strings.Repeat("a", 2100) + `"}]}`
	for name, body := range map[string]string{
		"not json":         `nope`,
		"no isAuth":        `{"principalId":"p"}`,
		"bad principal":    `{"isAuthenticated":true,"principalId":"a-b"}`,
		"long principal":   `{"isAuthenticated":true,"principalId":"` + strings.Repeat("a", 129) + `"}`,
		"11 documents":     tooMany,
		"document > 2048":  `{"isAuthenticated":true,"principalId":"p","policyDocuments":[` + big + `]}`,
		"bad document":     `{"isAuthenticated":true,"principalId":"p","policyDocuments":[{"Statement":5}]}`,
		"document number":  `{"isAuthenticated":true,"principalId":"p","policyDocuments":[5]}`,
		"disconnect < 300": `{"isAuthenticated":true,"principalId":"p","disconnectAfterInSeconds":299}`,
		"refresh > 86400":  `{"isAuthenticated":true,"principalId":"p","refreshAfterInSeconds":86401}`,
	} {
		if _, err := parseResponse([]byte(body), policy.Parse); !errors.Is(err, ErrMalformedResponse) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if _, err := parseResponse([]byte(`{"isAuthenticated":false}`), policy.Parse); !errors.Is(err, ErrNotAuthenticated) {
		t.Errorf("isAuthenticated false: got %v", err)
	}
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestAuthorizerEventShape: the event JSON of an MQTT over TLS CONNECT.
func TestAuthorizerEventShape(t *testing.T) {
	var ev event
	ev.Token, ev.SignatureVerified = "aToken", true
	ev.withTLS("example.com")
	ev.withMQTT("u?x-amz-customauthorizer-name=A", []byte("pw"), true, "c1")
	ev.ConnectionMetadata.ID = "id"
	b, _ := json.Marshal(ev)
	want := `{"token":"aToken","signatureVerified":true,"protocols":["tls","mqtt"],"protocolData":{"tls":{"serverName":"example.com"},` +
		`"mqtt":{"username":"u?x-amz-customauthorizer-name=A","password":"cHc=","clientId":"c1"}},"connectionMetadata":{"id":"id"}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	var h event
	r := httptest.NewRequest(http.MethodPost, "/topics/t?qos=1", nil)
	r.Header.Set("X-Token", "v")
	h.withHTTP(r)
	if h.ProtocolData.HTTP.QueryString != "?qos=1" || h.ProtocolData.HTTP.Headers["x-token"] != "v" {
		t.Fatalf("http: %+v", h.ProtocolData.HTTP)
	}
}
