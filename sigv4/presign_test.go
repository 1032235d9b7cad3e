package sigv4_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iotemu/iotemu/sigv4"
)

// TestPresigned: WebSocket URLs signed by the SDK presigner (token inside
// the signed query, or appended after signing with DisableSessionToken),
// by AWS's reference code (token appended), with X-Amz-Expires, for both
// service names (https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html#mqtt-ws, emulator/checklist_mqtt_test.go).
func TestPresigned(t *testing.T) {
	mqtt := "https://" + host + "/mqtt"
	noToken := func(o *v4.SignerOptions) { o.DisableSessionToken = true }
	tests := []struct {
		name          string
		url           string
		key           string
		tokenUnsigned bool
		expires       time.Time
	}{
		{"sdk", sdkPresigned(t, mqtt, "iotdevicegateway", false), keyID, false, time.Time{}},
		{"sdk iotdata", sdkPresigned(t, mqtt, "iotdata", false), keyID, false, time.Time{}},
		{"sdk token signed", sdkPresigned(t, mqtt, "iotdevicegateway", true), tmpKeyID, false, time.Time{}},
		{"sdk token appended", sdkPresigned(t, mqtt, "iotdevicegateway", true, noToken) + "&X-Amz-Security-Token=" + url.QueryEscape(token), tmpKeyID, true, time.Time{}},
		{"sdk expires", sdkPresigned(t, mqtt+"?X-Amz-Expires=86400", "iotdevicegateway", false), keyID, false, signedAt.Add(24 * time.Hour)},
		{"reference code", httpURL(wssURL(host, keyID, secret, "", "iotdevicegateway", signedAt)), keyID, false, time.Time{}},
		{"reference code token", httpURL(wssURL(host, tmpKeyID, tmpSecret, token, "iotdevicegateway", signedAt)), tmpKeyID, true, time.Time{}},
		{"reference code iotdata port", httpURL(wssURL("localhost:18443", tmpKeyID, tmpSecret, token, "iotdata", signedAt)), tmpKeyID, true, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, tt.url)
			id, err := newVerifier(t, signedAt.Add(time.Minute)).VerifyPresigned(r)
			if err != nil {
				t.Fatalf("VerifyPresigned(%s): %v", tt.url, err)
			}
			if id.AccessKeyID != tt.key || id.TokenUnsigned != tt.tokenUnsigned || !id.Expires.Equal(tt.expires) {
				t.Errorf("Identity: got %+v", id)
			}
			if _, err := newVerifier(t, signedAt).Verify(r, nil); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

// TestPresignedRejectUnsignedToken: the Compat switch refuses the quirk.
func TestPresignedRejectUnsignedToken(t *testing.T) {
	r := get(t, httpURL(wssURL(host, tmpKeyID, tmpSecret, token, "iotdevicegateway", signedAt)))
	v := newVerifier(t, signedAt, func(c *sigv4.Config) { c.Compat.RejectUnsignedSecurityToken = true })
	if _, err := v.VerifyPresigned(r); !errors.Is(err, sigv4.ErrSignatureMismatch) {
		t.Errorf("got %v, want ErrSignatureMismatch", err)
	}
}

// TestPresignedTamper: each part of a presigned URL is protected.
func TestPresignedTamper(t *testing.T) {
	base := httpURL(wssURL(host, tmpKeyID, tmpSecret, token, "iotdevicegateway", signedAt))
	sdk := sdkPresigned(t, "https://"+host+"/mqtt?X-Amz-Expires=300", "iotdevicegateway", true)
	tests := []struct {
		name, url string
		want      error
	}{
		{"host", strings.Replace(base, host, "evil.example.com", 1), sigv4.ErrSignatureMismatch},
		{"path", strings.Replace(base, "/mqtt?", "/mqtt2?", 1), sigv4.ErrSignatureMismatch},
		{"param added", base + "&x=1", sigv4.ErrSignatureMismatch},
		{"signature", strings.Replace(base, "X-Amz-Signature=", "X-Amz-Signature=0", 1), sigv4.ErrSignatureMismatch},
		{"date", strings.Replace(base, "T120000Z", "T120001Z", 1), sigv4.ErrSignatureMismatch},
		{"signed headers", strings.Replace(base, "X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=host%3Bx-a", 1), sigv4.ErrSignatureMismatch},
		{"region", strings.Replace(base, "%2Fus-east-1%2F", "%2Fus-west-2%2F", 1), sigv4.ErrSignatureMismatch},
		{"token changed", strings.Replace(base, "X-Amz-Security-Token=", "X-Amz-Security-Token=x", 1), sigv4.ErrInvalidToken},
		{"token removed", base[:strings.Index(base, "&X-Amz-Security-Token")], sigv4.ErrInvalidToken},
		{"unknown key", strings.Replace(base, tmpKeyID, "ASIAOTHER", 1), sigv4.ErrUnknownAccessKey},
		{"expires changed", strings.Replace(sdk, "X-Amz-Expires=300", "X-Amz-Expires=301", 1), sigv4.ErrSignatureMismatch},
		{"expires too long", strings.Replace(sdk, "X-Amz-Expires=300", "X-Amz-Expires=604801", 1), sigv4.ErrIncompleteSignature},
		{"sdk token changed", strings.Replace(sdk, "X-Amz-Security-Token=", "X-Amz-Security-Token=x", 1), sigv4.ErrInvalidToken},
		{"algorithm", strings.Replace(base, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1", 1), sigv4.ErrIncompleteSignature},
		{"credential", strings.Replace(base, "%2Faws4_request", "", 1), sigv4.ErrIncompleteSignature},
		{"missing signature", strings.Replace(base, "X-Amz-Signature=", "X-Amz-Sig=", 1), sigv4.ErrIncompleteSignature},
		{"bad date", strings.Replace(base, "X-Amz-Date=2026", "X-Amz-Date=x2026", 1), sigv4.ErrIncompleteSignature},
		{"host not signed", strings.Replace(base, "X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=x-a", 1), sigv4.ErrIncompleteSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.url == base || tt.url == sdk {
				t.Fatal("tamper did not change the URL")
			}
			_, err := newVerifier(t, signedAt).VerifyPresigned(get(t, tt.url))
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// TestPresignedExpiry: X-Amz-Expires bounds the URL; without it the URL is
// valid within the clock skew (Compat.PresignedLifetime).
func TestPresignedExpiry(t *testing.T) {
	withExpires := get(t, sdkPresigned(t, "https://"+host+"/mqtt?X-Amz-Expires=3600", "iotdevicegateway", false))
	without := get(t, httpURL(wssURL(host, keyID, secret, "", "iotdevicegateway", signedAt)))
	tests := []struct {
		name     string
		r        *http.Request
		after    time.Duration
		lifetime time.Duration
		want     error
	}{
		{"expires: within", withExpires, time.Hour, 0, nil},
		{"expires: past", withExpires, time.Hour + time.Second, 0, sigv4.ErrSignatureExpired},
		{"expires: future", withExpires, -6 * time.Minute, 0, sigv4.ErrSignatureNotYetValid},
		{"no expires: skew", without, 5 * time.Minute, 0, nil},
		{"no expires: past", without, 5*time.Minute + time.Second, 0, sigv4.ErrSignatureExpired},
		{"no expires: lifetime", without, 20 * time.Hour, 24 * time.Hour, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, signedAt.Add(tt.after), func(c *sigv4.Config) { c.Compat.PresignedLifetime = tt.lifetime })
			if _, err := v.VerifyPresigned(tt.r); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// TestVerifyMissing: no SigV4 at all.
func TestVerifyMissing(t *testing.T) {
	_, err := newVerifier(t, signedAt).Verify(get(t, "https://"+host+"/mqtt"), nil)
	var se *sigv4.Error
	if !errors.Is(err, sigv4.ErrMissingAuthentication) || !errors.As(err, &se) || se.Message != "Missing Authentication Token" {
		t.Errorf("got %v, want ErrMissingAuthentication", err)
	}
	if _, err := newVerifier(t, signedAt).VerifyPresigned(get(t, "https://"+host+"/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256")); !errors.Is(err, sigv4.ErrIncompleteSignature) {
		t.Errorf("partial query: got %v, want ErrIncompleteSignature", err)
	}
}

func replaceOnce(s, old, repl string) string { return strings.Replace(s, old, repl, 1) }
