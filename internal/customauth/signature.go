package customauth

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
)

// ErrBadSignature: the token's signature is missing or verifies with none
// of the authorizer's public keys.
var ErrBadSignature = errors.New("token signature does not verify")

// verifyTokenSignature checks sig, the base64 of an RSA PKCS #1 v1.5
// signature with SHA-256 over the raw token, against each key ("echo -n
// TOKEN_VALUE | openssl dgst -sha256 -sign <private key PEM> | openssl
// base64").
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth.html#custom-auth
func verifyTokenSignature(keys []*rsa.PublicKey, token, sig string) error {
	if sig == "" {
		return fmt.Errorf("%w: no %s", ErrBadSignature, signatureKey)
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(sig); err != nil {
			return fmt.Errorf("%w: signature is not base64: %w", ErrBadSignature, err)
		}
	}
	sum := sha256.Sum256([]byte(token))
	for _, k := range keys {
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], raw) == nil {
			return nil
		}
	}
	return ErrBadSignature
}
