package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Algorithm is the only signing algorithm verified.
const Algorithm = "AWS4-HMAC-SHA256"

// emptySHA256 is the hex SHA-256 of an empty payload.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// unsignedPayload is the payload hash a client may sign instead of the
// body's. AWS: S3 sig-v4-header-based-auth.html.
const unsignedPayload = "UNSIGNED-PAYLOAD"

// credential is the parsed X-Amz-Credential / Credential=.
type credential struct {
	keyID, date, region, service, terminator string
}

// parseCredential splits "AKID/yyyymmdd/region/service/aws4_request".
func parseCredential(s string) (credential, bool) {
	p := strings.Split(s, "/")
	if len(p) != 5 || p[0] == "" {
		return credential{}, false
	}
	return credential{p[0], p[1], p[2], p[3], p[4]}, true
}

func (c credential) scope() string {
	return c.date + "/" + c.region + "/" + c.service + "/" + c.terminator
}

// canonicalURI encodes the escaped path once more, as the SDKs do for
// every service but S3: `/topics/a%2Fb` → `/topics/a%252Fb`.
// AWS: reference_sigv-create-signed-request.html ("Each path segment must
// be URI-encoded twice … except for Amazon S3").
func canonicalURI(r *http.Request) string {
	p := r.URL.EscapedPath()
	if p == "" {
		return "/"
	}
	return uriEncode(p, false)
}

// uriEncode percent-encodes every byte outside A-Z a-z 0-9 - _ . ~ (and
// `/` unless encodeSlash), with upper-case hex.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (c == '/' && !encodeSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// canonicalQuery re-encodes the query parameters except those in skip,
// sorted by encoded name then value.
func canonicalQuery(q url.Values, skip ...string) string {
	type kv struct{ k, v string }
	var params []kv
	for k, vs := range q {
		if contains(skip, k) {
			continue
		}
		for _, v := range vs {
			params = append(params, kv{uriEncode(k, true), uriEncode(v, true)})
		}
	}
	sort.Slice(params, func(i, j int) bool {
		if params[i].k != params[j].k {
			return params[i].k < params[j].k
		}
		return params[i].v < params[j].v
	})
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k + "=" + p.v)
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// canonicalHeaders returns "name:value\n" for each signed header, from the
// request as the server received it (Host and Transfer-Encoding are
// promoted out of r.Header by net/http).
func canonicalHeaders(r *http.Request, signed []string) string {
	var b strings.Builder
	for _, h := range signed {
		var vals []string
		switch h {
		case "host":
			vals = []string{r.Host}
		case "content-length":
			vals = r.Header.Values("Content-Length")
			if len(vals) == 0 && r.ContentLength >= 0 {
				vals = []string{strconv.FormatInt(r.ContentLength, 10)}
			}
		case "transfer-encoding":
			vals = r.TransferEncoding
		default:
			vals = r.Header[textproto.CanonicalMIMEHeaderKey(h)]
		}
		b.WriteString(h + ":")
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.Join(strings.Fields(v), " "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// signature computes the hex signature of a canonical request.
// AWS: reference_sigv-create-signed-request.html (string to sign, signing
// key derivation).
func signature(secret string, c credential, amzDate, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	toSign := Algorithm + "\n" + amzDate + "\n" + c.scope() + "\n" + hex.EncodeToString(sum[:])
	k := hmacSHA256([]byte("AWS4"+secret), c.date)
	k = hmacSHA256(k, c.region)
	k = hmacSHA256(k, c.service)
	k = hmacSHA256(k, c.terminator)
	return hex.EncodeToString(hmacSHA256(k, toSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// sameSignature compares hex signatures in constant time.
func sameSignature(computed, given string) bool {
	return hmac.Equal([]byte(computed), []byte(strings.ToLower(given)))
}

// canonicalRequest joins the parts of the canonical request.
func canonicalRequest(method, uri, query, headers string, signed []string, payloadHash string) string {
	return method + "\n" + uri + "\n" + query + "\n" + headers + "\n" + strings.Join(signed, ";") + "\n" + payloadHash
}

// parseSignedHeaders splits "host;x-amz-date" and requires host.
func parseSignedHeaders(s string) ([]string, error) {
	hs := strings.Split(s, ";")
	for i := range hs {
		hs[i] = strings.ToLower(strings.TrimSpace(hs[i]))
	}
	if !contains(hs, "host") {
		return nil, fail(ErrIncompleteSignature, CodeInvalidSignature, msgHostNotSigned)
	}
	return hs, nil
}
