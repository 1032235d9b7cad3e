package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// authorization is the parsed Authorization header.
type authorization struct {
	cred      credential
	signed    []string
	signature string
}

// parseAuthorization parses
// "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…".
// AWS: IncompleteSignatureException "Authorization header requires
// 'Credential' parameter. …".
func parseAuthorization(h string) (authorization, error) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if alg != Algorithm {
		return authorization{}, fail(ErrIncompleteSignature, CodeIncompleteSignature,
			"Unsupported AWS 'algorithm': '"+alg+"'.")
	}
	params := map[string]string{}
	for _, p := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		params[k] = v
	}
	var missing []string
	for _, k := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[k] == "" {
			missing = append(missing, "Authorization header requires '"+k+"' parameter.")
		}
	}
	if len(missing) > 0 {
		return authorization{}, fail(ErrIncompleteSignature, CodeIncompleteSignature,
			strings.Join(missing, " ")+" Authorization="+h)
	}
	cred, ok := parseCredential(params["Credential"])
	if !ok {
		return authorization{}, fail(ErrIncompleteSignature, CodeIncompleteSignature,
			"Authorization header requires a valid 'Credential' parameter: '"+params["Credential"]+"'.")
	}
	signed, err := parseSignedHeaders(params["SignedHeaders"])
	if err != nil {
		return authorization{}, err
	}
	return authorization{cred: cred, signed: signed, signature: params["Signature"]}, nil
}

// VerifyRequest verifies a request signed in its Authorization header,
// with body the request body as received (nil for none): the payload hash
// is x-amz-content-sha256 when sent, which must then match the body unless
// it is UNSIGNED-PAYLOAD.
func (v *Verifier) VerifyRequest(r *http.Request, body []byte) (Identity, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return Identity{}, fail(ErrMissingAuthentication, CodeMissingAuthenticationToken, msgMissing)
	}
	auth, err := parseAuthorization(h)
	if err != nil {
		return Identity{}, err
	}
	amzDate := r.Header.Get("X-Amz-Date")
	signedAt, err := time.Parse(amzDateLayout, amzDate)
	if err != nil {
		return Identity{}, fail(ErrIncompleteSignature, CodeIncompleteSignature,
			"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization="+h)
	}
	if err := v.checkScope(auth.cred, amzDate); err != nil {
		return Identity{}, err
	}
	token := r.Header.Get("X-Amz-Security-Token")
	creds, err := v.lookup(auth.cred.keyID, token)
	if err != nil {
		return Identity{}, err
	}
	if err := v.checkTime(signedAt, 0); err != nil {
		return Identity{}, err
	}
	payload, err := payloadHash(r, body)
	if err != nil {
		return Identity{}, err
	}
	cr := canonicalRequest(r.Method, canonicalURI(r), canonicalQuery(r.URL.Query()),
		canonicalHeaders(r, auth.signed), auth.signed, payload)
	if !sameSignature(signature(creds.SecretAccessKey, auth.cred, amzDate, cr), auth.signature) {
		return Identity{}, fail(ErrSignatureMismatch, CodeInvalidSignature, msgMismatch)
	}
	return identity(creds, auth.cred, signedAt), nil
}

// payloadHash is x-amz-content-sha256 when present (checked against the
// body), otherwise the body's SHA-256. AWS: S3 "The provided
// 'x-amz-content-sha256' header does not match what was computed" (S3's
// wording; IoT's is unknown).
func payloadHash(r *http.Request, body []byte) (string, error) {
	sum := sha256.Sum256(body)
	computed := hex.EncodeToString(sum[:])
	given := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case given == "":
		return computed, nil
	case given == unsignedPayload:
		return given, nil
	case !strings.EqualFold(given, computed):
		return "", fail(ErrSignatureMismatch, CodeInvalidSignature,
			"The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	return given, nil
}

func identity(c Credentials, cred credential, signedAt time.Time) Identity {
	return Identity{
		AccessKeyID: c.AccessKeyID, Principal: c.Principal, SessionToken: c.SessionToken,
		Region: cred.region, Service: cred.service, SignedAt: signedAt,
	}
}
