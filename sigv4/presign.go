package sigv4

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Query parameters of a presigned URL. AWS: S3 sigv4-query-string-auth.html;
// https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html#mqtt-ws (WebSocket reference code).
const (
	qAlgorithm     = "X-Amz-Algorithm"
	qCredential    = "X-Amz-Credential"
	qDate          = "X-Amz-Date"
	qSignedHeaders = "X-Amz-SignedHeaders"
	qSignature     = "X-Amz-Signature"
	qExpires       = "X-Amz-Expires"
	qToken         = "X-Amz-Security-Token"
	qContentSHA256 = "X-Amz-Content-Sha256"
)

// presigned is the parsed query of a presigned URL.
type presigned struct {
	cred      credential
	amzDate   string
	signedAt  time.Time
	signed    []string
	signature string
	lifetime  time.Duration
	token     string
}

// parsePresigned checks the X-Amz-* parameters.
func parsePresigned(r *http.Request) (presigned, error) {
	q := r.URL.Query()
	for _, k := range []string{qAlgorithm, qCredential, qSignature, qDate, qSignedHeaders} {
		if q.Get(k) == "" {
			return presigned{}, fail(ErrIncompleteSignature, CodeIncompleteSignature, msgPresignMissing)
		}
	}
	if alg := q.Get(qAlgorithm); alg != Algorithm {
		return presigned{}, fail(ErrIncompleteSignature, CodeIncompleteSignature,
			"X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
	}
	p := presigned{amzDate: q.Get(qDate), signature: q.Get(qSignature), token: q.Get(qToken)}
	var ok bool
	if p.cred, ok = parseCredential(q.Get(qCredential)); !ok {
		return presigned{}, fail(ErrIncompleteSignature, CodeIncompleteSignature,
			"Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
	}
	var err error
	if p.signedAt, err = time.Parse(amzDateLayout, p.amzDate); err != nil {
		return presigned{}, fail(ErrIncompleteSignature, CodeIncompleteSignature,
			"X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	}
	if p.signed, err = parseSignedHeaders(q.Get(qSignedHeaders)); err != nil {
		return presigned{}, err
	}
	if q.Has(qExpires) {
		n, err := strconv.Atoi(q.Get(qExpires))
		if err != nil || n < 0 || time.Duration(n)*time.Second > MaxExpires {
			return presigned{}, fail(ErrIncompleteSignature, CodeIncompleteSignature,
				fmt.Sprintf("X-Amz-Expires must be non-negative and less than a week (in seconds) that is %d", int(MaxExpires/time.Second)))
		}
		p.lifetime = time.Duration(n) * time.Second
	}
	return p, nil
}

// VerifyPresigned verifies a presigned URL (MQTT over WebSocket: GET /mqtt
// with X-Amz-* query parameters). The session token is accepted inside the
// signed query and, unless Compat.RejectUnsignedSecurityToken, appended
// after signing (https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html#mqtt-ws). The payload hash is
// X-Amz-Content-Sha256 when in the query, otherwise the SHA-256 of an
// empty body (AWS's reference code) or UNSIGNED-PAYLOAD.
func (v *Verifier) VerifyPresigned(r *http.Request) (Identity, error) {
	p, err := parsePresigned(r)
	if err != nil {
		return Identity{}, err
	}
	if err := v.checkScope(p.cred, p.amzDate); err != nil {
		return Identity{}, err
	}
	creds, err := v.lookup(p.cred.keyID, p.token)
	if err != nil {
		return Identity{}, err
	}
	lifetime := p.lifetime
	if !r.URL.Query().Has(qExpires) {
		lifetime = v.compat.PresignedLifetime
	}
	if err := v.checkTime(p.signedAt, lifetime); err != nil {
		return Identity{}, err
	}
	unsignedToken, ok := v.matchPresigned(r, p, creds.SecretAccessKey)
	if !ok {
		return Identity{}, fail(ErrSignatureMismatch, CodeInvalidSignature, msgMismatch)
	}
	id := identity(creds, p.cred, p.signedAt)
	if lifetime > 0 {
		id.Expires = p.signedAt.Add(lifetime)
	}
	id.TokenUnsigned = unsignedToken
	return id, nil
}

// matchPresigned tries the accepted canonical forms; unsignedToken
// reports that the token was outside the signed query.
func (v *Verifier) matchPresigned(r *http.Request, p presigned, secret string) (unsignedToken, ok bool) {
	q := r.URL.Query()
	payloads := []string{emptySHA256, unsignedPayload}
	if h := q.Get(qContentSHA256); h != "" {
		payloads = []string{h}
	}
	queries := []string{canonicalQuery(q, qSignature)}
	if p.token != "" && !v.compat.RejectUnsignedSecurityToken {
		queries = append(queries, canonicalQuery(q, qSignature, qToken))
	}
	uri, headers := canonicalURI(r), canonicalHeaders(r, p.signed)
	for i, query := range queries {
		for _, payload := range payloads {
			cr := canonicalRequest(r.Method, uri, query, headers, p.signed, payload)
			if sameSignature(signature(secret, p.cred, p.amzDate, cr), p.signature) {
				return i == 1, true
			}
		}
	}
	return false, false
}
