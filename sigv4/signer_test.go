package sigv4_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iotemu/iotemu/sigv4"
)

// signerCases are requests as the rule actions send them (JSON, query,
// CBOR, S3 PutObject), and the shapes that trip canonicalisation:
// encoded paths, query values, session tokens, default ports.
var signerCases = []struct {
	name, method, url, service string
	headers                    map[string]string
	body                       []byte
	temporary                  bool
}{
	{"awsJson1_0", http.MethodPost, "http://127.0.0.1:4566/", "dynamodb",
		map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.PutItem"}, []byte(`{"TableName":"t"}`), false},
	{"awsJson1_1 session token", http.MethodPost, "https://kinesis.us-east-1.amazonaws.com/", "kinesis",
		map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Kinesis_20131202.PutRecord"}, []byte(`{}`), true},
	{"awsQuery", http.MethodPost, "http://localhost:80/", "sns",
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, []byte("Action=Publish&Version=2010-03-31"), false},
	{"rpcv2Cbor", http.MethodPost, "http://127.0.0.1:4566/service/GraniteServiceVersion20100801/operation/PutMetricData", "monitoring",
		map[string]string{"Content-Type": "application/cbor", "Accept": "application/cbor", "Smithy-Protocol": "rpc-v2-cbor"}, []byte{0xa0}, false},
	{"s3 key with spaces and slashes", http.MethodPut, "http://127.0.0.1:9000/bucket/fleet/d%201/a%2Bb~c?x-id=PutObject", "s3",
		map[string]string{"Content-Type": "application/octet-stream", "X-Amz-Acl": "private"}, []byte(`{"v":1}`), false},
	{"query values and empty body", http.MethodGet, "https://" + host + "/things/t1/shadow?name=s%2F1&b=a%20b&a=1", "iotdata", nil, nil, false},
	{"double-encoded path", http.MethodPost, "https://" + host + "/topics/a%2Fb%20c", "iotdata", nil, []byte("x"), false},
	{"default https port", http.MethodPost, "https://" + host + ":443/topics/t", "iotdata", nil, []byte("x"), false},
}

func newSignerRequest(tb testing.TB, method, rawURL string, headers map[string]string, body []byte) *http.Request {
	tb.Helper()
	r, err := http.NewRequest(method, rawURL, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if body == nil {
		r.Body, r.ContentLength = http.NoBody, 0
	}
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	return r
}

// TestSignerMatchesSDK: for the same request, credentials and time, the
// Signer's Authorization header is the AWS SDK for Go v2 signer's,
// byte for byte (S3 with the SDK's DisableURIPathEscaping, as the S3
// client signs).
func TestSignerMatchesSDK(t *testing.T) {
	for _, c := range signerCases {
		t.Run(c.name, func(t *testing.T) {
			ours := newSignerRequest(t, c.method, c.url, c.headers, c.body)
			signer(c.temporary).Sign(ours, sha(c.body), c.service, region, signedAt)
			sdk := newSignerRequest(t, c.method, c.url, c.headers, c.body)
			opt := func(o *v4.SignerOptions) { o.DisableURIPathEscaping = c.service == "s3" }
			if err := v4.NewSigner(opt).SignHTTP(t.Context(), sdkCreds(c.temporary), sdk, sha(c.body), c.service, region, signedAt); err != nil {
				t.Fatal(err)
			}
			for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token"} {
				if got, want := ours.Header.Get(h), sdk.Header.Get(h); got != want {
					t.Errorf("%s\n got %s\nwant %s", h, got, want)
				}
			}
			if ours.Host != sdk.Host {
				t.Errorf("Host %q, SDK %q", ours.Host, sdk.Host)
			}
		})
	}
}

// TestSignerVerifies: what the Signer signs, the Verifier accepts as the
// server receives it (not S3, whose path the Verifier does not serve), and
// a changed body does not verify.
func TestSignerVerifies(t *testing.T) {
	for _, c := range signerCases {
		if c.service == "s3" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			r := newSignerRequest(t, c.method, c.url, c.headers, c.body)
			signer(c.temporary).Sign(r, sha(c.body), c.service, region, signedAt)
			v := newVerifier(t, signedAt.Add(time.Minute), func(cfg *sigv4.Config) { cfg.Services = []string{c.service} })
			got := received(t, r)
			id, err := v.VerifyRequest(got, c.body)
			if err != nil {
				t.Fatalf("VerifyRequest: %v", err)
			}
			if id.Service != c.service || id.Region != region || !id.SignedAt.Equal(signedAt) {
				t.Errorf("identity %+v", id)
			}
			if _, err := v.VerifyRequest(got, append(append([]byte{}, c.body...), '!')); err == nil {
				t.Error("a changed body verified")
			}
		})
	}
}

// TestSignerKeepsQuery: signing does not rewrite the URL the request is
// sent to.
func TestSignerKeepsQuery(t *testing.T) {
	const raw = "http://127.0.0.1:9000/b/k%20x?x-id=PutObject"
	r := newSignerRequest(t, http.MethodPut, raw, nil, []byte("x"))
	signer(false).Sign(r, sha([]byte("x")), "s3", region, signedAt)
	if got := r.URL.String(); got != raw {
		t.Errorf("URL %s, want %s", got, raw)
	}
	if _, err := url.Parse(r.URL.String()); err != nil {
		t.Fatal(err)
	}
}

func signer(temporary bool) sigv4.Signer {
	if temporary {
		return sigv4.Signer{AccessKeyID: tmpKeyID, SecretAccessKey: tmpSecret, SessionToken: token}
	}
	return sigv4.Signer{AccessKeyID: keyID, SecretAccessKey: secret}
}
