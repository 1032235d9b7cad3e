package emulator

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
)

// errBadSignature: the token's signature is missing or verifies with none
// of the authorizer's public keys.
var errBadSignature = errors.New("token signature does not verify")

// verifyTokenSignature checks sig, the base64 of an RSA PKCS #1 v1.5
// signature with SHA-256 over the raw token, against each key.
// AWS: custom-auth.html ("echo -n TOKEN_VALUE | openssl dgst -sha256 -sign
// <private key PEM> | openssl base64"), broker.md §5.5.
func verifyTokenSignature(keys []*rsa.PublicKey, token, sig string) error {
	if sig == "" {
		return fmt.Errorf("%w: no %s", errBadSignature, authorizerSignatureKey)
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(sig); err != nil {
			return fmt.Errorf("%w: signature is not base64: %w", errBadSignature, err)
		}
	}
	sum := sha256.Sum256([]byte(token))
	for _, k := range keys {
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], raw) == nil {
			return nil
		}
	}
	return errBadSignature
}
