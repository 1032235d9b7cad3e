package sigv4_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iotemu/iotemu/sigv4"
)

const (
	keyID     = "AKIDEXAMPLE"
	secret    = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	tmpKeyID  = "ASIAEXAMPLE"
	tmpSecret = "tmpSecret/abc"
	token     = "FwoGZXIvYXdzEXAMPLE+token/with=chars"
	region    = "us-east-1"
	host      = "a1b2c3-ats.iot.us-east-1.amazonaws.com"
)

var signedAt = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newVerifier returns a Verifier whose clock reads now.
func newVerifier(tb testing.TB, now time.Time, mod ...func(*sigv4.Config)) *sigv4.Verifier {
	tb.Helper()
	cfg := sigv4.Config{
		Credentials: sigv4.NewStaticCredentials(
			sigv4.Credentials{AccessKeyID: keyID, SecretAccessKey: secret, Principal: "arn:aws:iam::123456789012:user/alice"},
			sigv4.Credentials{AccessKeyID: tmpKeyID, SecretAccessKey: tmpSecret, SessionToken: token, Principal: "us-east-1:cognito-id"},
		),
		Now: func() time.Time { return now },
	}
	for _, m := range mod {
		m(&cfg)
	}
	v, err := sigv4.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

func sdkCreds(temporary bool) aws.Credentials {
	if temporary {
		return aws.Credentials{AccessKeyID: tmpKeyID, SecretAccessKey: tmpSecret, SessionToken: token}
	}
	return aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sdkSigned returns a request signed in its header by the AWS SDK for Go
// v2, as the server receives it.
func sdkSigned(tb testing.TB, method, url string, body []byte, service string, temporary bool, mod ...func(*http.Request)) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	for _, m := range mod {
		m(req)
	}
	err = v4.NewSigner().SignHTTP(context.Background(), sdkCreds(temporary), req, sha(body), service, region, signedAt)
	if err != nil {
		tb.Fatal(err)
	}
	return received(tb, req)
}

// sdkPresigned returns a URL presigned by the AWS SDK for Go v2.
func sdkPresigned(tb testing.TB, url, service string, temporary bool, opts ...func(*v4.SignerOptions)) string {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), sdkCreds(temporary), req, sha(nil), service, region, signedAt, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return signed
}

// get returns a GET of url as the server receives it.
func get(tb testing.TB, url string) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return received(tb, req)
}

// received writes req on the wire and reads it back as a server does.
func received(tb testing.TB, req *http.Request) *http.Request {
	tb.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	r, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		tb.Fatal(err)
	}
	return r
}
