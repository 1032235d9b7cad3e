package sigv4

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// Signer signs outgoing requests with Signature Version 4 in their
// Authorization header, as the AWS SDKs do: what the rule actions send to
// AWS-compatible services. It shares the canonicalisation with the
// Verifier, so that what one signs the other accepts.
// AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#create-canonical-request
type Signer struct {
	AccessKeyID, SecretAccessKey string
	// SessionToken, when set, is sent (and signed) as
	// X-Amz-Security-Token.
	SessionToken string
}

// unsignedHeaders are the headers the SDKs leave out of the signature
// (aws-sdk-go-v2 aws/signer/internal/v4 IgnoredHeaders): proxies and
// transports may change them.
var unsignedHeaders = map[string]bool{
	"authorization": true, "user-agent": true, "x-amzn-trace-id": true, "expect": true, "transfer-encoding": true,
}

// Sign sets X-Amz-Date (and X-Amz-Security-Token) and the Authorization
// header of r for service and region at time at. payloadHash is the hex
// SHA-256 of the body (or UNSIGNED-PAYLOAD). Every header r carries is
// signed except those the SDKs leave out, with host, and content-length
// when the body is not empty. The canonical URI is the escaped path
// encoded once more, except for S3 (AWS's rule). r.Host loses a default
// port (:80 for http, :443 for https), as the SDKs send it.
func (s Signer) Sign(r *http.Request, payloadHash, service, region string, at time.Time) {
	amzDate := at.UTC().Format(amzDateLayout)
	r.Header.Set("X-Amz-Date", amzDate)
	if s.SessionToken != "" {
		r.Header.Set("X-Amz-Security-Token", s.SessionToken)
	}
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	r.Host = withoutDefaultPort(r.Host, r.URL.Scheme)
	signed := []string{"host"}
	if r.ContentLength > 0 {
		signed = append(signed, "content-length")
	}
	for k := range r.Header {
		lk := strings.ToLower(k)
		if unsignedHeaders[lk] || lk == "host" || lk == "content-length" {
			continue
		}
		signed = append(signed, lk)
	}
	sort.Strings(signed)
	uri := canonicalURI(r)
	if service == "s3" {
		if uri = r.URL.EscapedPath(); uri == "" {
			uri = "/"
		}
	}
	cred := credential{keyID: s.AccessKeyID, date: amzDate[:8], region: region, service: service, terminator: "aws4_request"}
	cr := canonicalRequest(r.Method, uri, canonicalQuery(r.URL.Query()), canonicalHeaders(r, signed), signed, payloadHash)
	r.Header.Set("Authorization", Algorithm+" Credential="+s.AccessKeyID+"/"+cred.scope()+
		", SignedHeaders="+strings.Join(signed, ";")+", Signature="+signature(s.SecretAccessKey, cred, amzDate, cr))
}

// withoutDefaultPort drops the scheme's default port from a host.
func withoutDefaultPort(host, scheme string) string {
	if scheme == "http" {
		return strings.TrimSuffix(host, ":80")
	}
	if scheme == "https" {
		return strings.TrimSuffix(host, ":443")
	}
	return host
}
