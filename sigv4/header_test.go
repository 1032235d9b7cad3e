package sigv4_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iotemu/iotemu/sigv4"
)

// TestSDKHeaderSigned: requests signed by the AWS SDK for Go v2 verify,
// for both service names and with temporary credentials
// (emulator/checklist_mqtt_test.go).
func TestSDKHeaderSigned(t *testing.T) {
	body := []byte(`{"hello":"world"}`)
	tests := []struct {
		name, method, url, service string
		body                       []byte
		temporary                  bool
	}{
		{"publish iotdata", http.MethodPost, "https://" + host + "/topics/a%2Fb?qos=1&retain=true", "iotdata", body, false},
		{"publish iotdevicegateway", http.MethodPost, "https://" + host + "/topics/a%2Fb?qos=1&retain=true", "iotdevicegateway", body, false},
		{"session token", http.MethodPost, "https://" + host + "/topics/a%2Fb?qos=1", "iotdata", body, true},
		{"special characters", http.MethodPost, "https://" + host + "/topics/%24aws%2Frules%2Fr%2Fa%20b%2B~?qos=0&x=a%2Bb%20c", "iotdata", body, false},
		{"shadow get no body", http.MethodGet, "https://" + host + "/things/t1/shadow?name=s%2F1", "iotdata", nil, false},
		{"port in host", http.MethodGet, "http://127.0.0.1:18080/retainedMessage?maxResults=10", "iotdata", nil, false},
		{"empty path", http.MethodGet, "https://" + host, "iotdata", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sdkSigned(t, tt.method, tt.url, tt.body, tt.service, tt.temporary)
			id, err := newVerifier(t, signedAt.Add(time.Minute)).VerifyRequest(r, tt.body)
			if err != nil {
				t.Fatalf("VerifyRequest: %v", err)
			}
			wantKey := keyID
			if tt.temporary {
				wantKey = tmpKeyID
			}
			if id.AccessKeyID != wantKey || id.Service != tt.service || id.Region != region || !id.SignedAt.Equal(signedAt) {
				t.Errorf("Identity: got %+v", id)
			}
			if _, err := newVerifier(t, signedAt).Verify(r, tt.body); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

// TestDoubleEncodedPath: the SDK signs /topics/a%2Fb as /topics/a%252Fb;
// a signature over the path encoded once (S3 style) does not verify.
func TestDoubleEncodedPath(t *testing.T) {
	req, err := http.NewRequest(http.MethodPost, "https://"+host+"/topics/a%2Fb", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).
		SignHTTP(t.Context(), sdkCreds(false), req, sha(nil), "iotdata", region, signedAt)
	if err != nil {
		t.Fatal(err)
	}
	_, err = newVerifier(t, signedAt).VerifyRequest(received(t, req), nil)
	if !errors.Is(err, sigv4.ErrSignatureMismatch) {
		t.Errorf("single-encoded signature: got %v, want ErrSignatureMismatch", err)
	}
}

// TestContentSHA256: x-amz-content-sha256, when sent, is the payload hash
// and must match the body.
func TestContentSHA256(t *testing.T) {
	body := []byte("payload")
	withHash := func(h string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", h) }
	}
	v := newVerifier(t, signedAt)
	if _, err := v.VerifyRequest(sdkSigned(t, http.MethodPost, "https://"+host+"/topics/t", body, "iotdata", false, withHash(sha(body))), body); err != nil {
		t.Errorf("matching hash: %v", err)
	}
	r := sdkSigned(t, http.MethodPost, "https://"+host+"/topics/t", body, "iotdata", false, withHash(sha(body)))
	if _, err := v.VerifyRequest(r, []byte("other")); !errors.Is(err, sigv4.ErrSignatureMismatch) {
		t.Errorf("body changed: got %v, want ErrSignatureMismatch", err)
	}
}

// TestHeaderTamper: changing any signed part fails with the error AWS
// gives for it.
func TestHeaderTamper(t *testing.T) {
	body := []byte("payload")
	url := "https://" + host + "/topics/a%2Fb?qos=1"
	custom := func(r *http.Request) { r.Header.Set("X-Custom", "v1") }
	tests := []struct {
		name   string
		tamper func(r *http.Request) []byte
		want   error
	}{
		{"method", func(r *http.Request) []byte { r.Method = http.MethodPut; return body }, sigv4.ErrSignatureMismatch},
		{"path", func(r *http.Request) []byte { r.URL.RawPath, r.URL.Path = "/topics/a%2Fc", "/topics/a/c"; return body }, sigv4.ErrSignatureMismatch},
		{"query value", func(r *http.Request) []byte { r.URL.RawQuery = "qos=0"; return body }, sigv4.ErrSignatureMismatch},
		{"query added", func(r *http.Request) []byte { r.URL.RawQuery += "&retain=true"; return body }, sigv4.ErrSignatureMismatch},
		{"host", func(r *http.Request) []byte { r.Host = "evil.example.com"; return body }, sigv4.ErrSignatureMismatch},
		{"signed header", func(r *http.Request) []byte { r.Header.Set("X-Custom", "v2"); return body }, sigv4.ErrSignatureMismatch},
		{"signed header removed", func(r *http.Request) []byte { r.Header.Del("X-Custom"); return body }, sigv4.ErrSignatureMismatch},
		{"body", func(r *http.Request) []byte { return []byte("payloaD") }, sigv4.ErrSignatureMismatch},
		{"x-amz-date", func(r *http.Request) []byte { r.Header.Set("X-Amz-Date", "20260301T120001Z"); return body }, sigv4.ErrSignatureMismatch},
		{"x-amz-date other day", func(r *http.Request) []byte { r.Header.Set("X-Amz-Date", "20260302T120000Z"); return body }, sigv4.ErrInvalidScope},
		{"signature", func(r *http.Request) []byte { replaceAuth(r, "Signature=", "Signature=0"); return body }, sigv4.ErrSignatureMismatch},
		{"access key", func(r *http.Request) []byte { replaceAuth(r, keyID, "AKIDOTHER"); return body }, sigv4.ErrUnknownAccessKey},
		{"region", func(r *http.Request) []byte { replaceAuth(r, "/us-east-1/", "/eu-west-1/"); return body }, sigv4.ErrSignatureMismatch},
		{"service", func(r *http.Request) []byte { replaceAuth(r, "/iotdata/", "/iotdevicegateway/"); return body }, sigv4.ErrSignatureMismatch},
		{"service unknown", func(r *http.Request) []byte { replaceAuth(r, "/iotdata/", "/s3/"); return body }, sigv4.ErrInvalidScope},
		{"terminator", func(r *http.Request) []byte { replaceAuth(r, "aws4_request", "aws4_reques"); return body }, sigv4.ErrInvalidScope},
		{"signed headers list", func(r *http.Request) []byte { replaceAuth(r, ";x-custom", ""); return body }, sigv4.ErrSignatureMismatch},
		{"host not signed", func(r *http.Request) []byte {
			replaceAuth(r, "SignedHeaders=content-length;content-type;host;", "SignedHeaders=content-length;content-type;")
			return body
		}, sigv4.ErrIncompleteSignature},
		{"token added", func(r *http.Request) []byte { r.Header.Set("X-Amz-Security-Token", token); return body }, sigv4.ErrInvalidToken},
		{"no date", func(r *http.Request) []byte { r.Header.Del("X-Amz-Date"); return body }, sigv4.ErrIncompleteSignature},
		{"no signature", func(r *http.Request) []byte { replaceAuth(r, "Signature=", "Sig="); return body }, sigv4.ErrIncompleteSignature},
		{"bad credential", func(r *http.Request) []byte { replaceAuth(r, "/aws4_request", ""); return body }, sigv4.ErrIncompleteSignature},
		{"other algorithm", func(r *http.Request) []byte {
			replaceAuth(r, "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")
			return body
		}, sigv4.ErrIncompleteSignature},
		{"no authorization", func(r *http.Request) []byte { r.Header.Del("Authorization"); return body }, sigv4.ErrMissingAuthentication},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sdkSigned(t, http.MethodPost, url, body, "iotdata", false, custom)
			if _, err := newVerifier(t, signedAt).VerifyRequest(r, body); err != nil {
				t.Fatalf("untampered: %v", err)
			}
			b := tt.tamper(r)
			_, err := newVerifier(t, signedAt).VerifyRequest(r, b)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			var se *sigv4.Error
			if !errors.As(err, &se) || se.Code == "" || se.Message == "" || se.HTTPStatus() != http.StatusForbidden {
				t.Errorf("not a complete *sigv4.Error: %#v", err)
			}
		})
	}
}

// TestTemporaryTokenTamper: the session token must be the credentials'.
func TestTemporaryTokenTamper(t *testing.T) {
	for name, tamper := range map[string]func(r *http.Request){
		"token changed": func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", token+"x") },
		"token removed": func(r *http.Request) { r.Header.Del("X-Amz-Security-Token") },
	} {
		t.Run(name, func(t *testing.T) {
			r := sdkSigned(t, http.MethodPost, "https://"+host+"/topics/t", nil, "iotdata", true)
			tamper(r)
			_, err := newVerifier(t, signedAt).VerifyRequest(r, nil)
			var se *sigv4.Error
			if !errors.Is(err, sigv4.ErrInvalidToken) || !errors.As(err, &se) || se.Code != sigv4.CodeUnrecognizedClient {
				t.Errorf("got %v, want ErrInvalidToken", err)
			}
		})
	}
}

// TestMessages: the AWS texts of the common failures.
func TestMessages(t *testing.T) {
	r := sdkSigned(t, http.MethodPost, "https://"+host+"/topics/t", nil, "iotdata", false)
	tests := []struct {
		name string
		now  time.Time
		mod  func(*http.Request)
		code string
		msg  string
	}{
		{"mismatch", signedAt, func(r *http.Request) { r.URL.RawQuery = "x=1" }, sigv4.CodeInvalidSignature,
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."},
		{"expired", signedAt.Add(10 * time.Minute), nil, sigv4.CodeInvalidSignature,
			"Signature expired: 20260301T120000Z is now earlier than 20260301T120500Z (20260301T121000Z - 5 min.)"},
		{"not yet", signedAt.Add(-10 * time.Minute), nil, sigv4.CodeInvalidSignature,
			"Signature not yet current: 20260301T120000Z is still later than 20260301T115500Z (20260301T115000Z + 5 min.)"},
		{"unknown key", signedAt, func(r *http.Request) { replaceAuth(r, keyID, "AKIDNOPE") }, sigv4.CodeUnrecognizedClient,
			"The security token included in the request is invalid."},
		{"service", signedAt, func(r *http.Request) { replaceAuth(r, "/iotdata/", "/iot/") }, sigv4.CodeInvalidSignature,
			"Credential should be scoped to correct service: 'iotdata'."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rr := r.Clone(t.Context())
			if tt.mod != nil {
				tt.mod(rr)
			}
			_, err := newVerifier(t, tt.now).VerifyRequest(rr, nil)
			var se *sigv4.Error
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want *sigv4.Error", err)
			}
			if se.Code != tt.code || se.Message != tt.msg {
				t.Errorf("got %s %q, want %s %q", se.Code, se.Message, tt.code, tt.msg)
			}
		})
	}
}

// TestClockSkew: X-Amz-Date may be 5 minutes off either way.
func TestClockSkew(t *testing.T) {
	r := sdkSigned(t, http.MethodPost, "https://"+host+"/topics/t", nil, "iotdata", false)
	tests := []struct {
		now  time.Duration
		want error
	}{
		{5 * time.Minute, nil},
		{-5 * time.Minute, nil},
		{5*time.Minute + time.Second, sigv4.ErrSignatureExpired},
		{-5*time.Minute - time.Second, sigv4.ErrSignatureNotYetValid},
	}
	for _, tt := range tests {
		_, err := newVerifier(t, signedAt.Add(tt.now)).VerifyRequest(r, nil)
		if !errors.Is(err, tt.want) {
			t.Errorf("now %v: got %v, want %v", tt.now, err, tt.want)
		}
	}
}

// TestRegions: Config.Regions restricts the scope's region.
func TestRegions(t *testing.T) {
	r := sdkSigned(t, http.MethodPost, "https://"+host+"/topics/t", nil, "iotdata", false)
	v := newVerifier(t, signedAt, func(c *sigv4.Config) { c.Regions = []string{"eu-west-1"} })
	if _, err := v.VerifyRequest(r, nil); !errors.Is(err, sigv4.ErrInvalidScope) {
		t.Errorf("got %v, want ErrInvalidScope", err)
	}
}

// TestNew: Credentials are required.
func TestNew(t *testing.T) {
	if _, err := sigv4.New(sigv4.Config{}); err == nil {
		t.Error("got nil, want an error")
	}
}

func replaceAuth(r *http.Request, old, repl string) {
	r.Header.Set("Authorization", replaceOnce(r.Header.Get("Authorization"), old, repl))
}
