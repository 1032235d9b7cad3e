package customauth

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
)

// The token signing public keys of an authorizer.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateAuthorizer.html#API_CreateAuthorizer_RequestParameters
var publicKeyNamePattern = regexp.MustCompile(`^[a-zA-Z0-9:_-]{1,128}$`)

const (
	maxPublicKeyLen = 5120
	// minSigningKeyBits: "Its minimum length is 2,048 bits."
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/config-custom-auth.html#config-custom-auth
	minSigningKeyBits = 2048
)

// parseSigningKeys parses the PEM public keys (PKIX "PUBLIC KEY", PKCS#1
// "RSA PUBLIC KEY", or a certificate), in key-name order.
func parseSigningKeys(m map[string]string) ([]*rsa.PublicKey, error) {
	var keys []*rsa.PublicKey
	for _, name := range slices.Sorted(maps.Keys(m)) {
		v := m[name]
		if !publicKeyNamePattern.MatchString(name) {
			return nil, fmt.Errorf("tokenSigningPublicKeys key %q must match [a-zA-Z0-9:_-]+ and have length between 1 and 128", name)
		}
		if len(v) > maxPublicKeyLen {
			return nil, fmt.Errorf("tokenSigningPublicKeys %q must be at most %d characters", name, maxPublicKeyLen)
		}
		k, err := parseRSAPublicKey(v)
		if err != nil {
			return nil, fmt.Errorf("tokenSigningPublicKeys %q: %w", name, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func parseRSAPublicKey(s string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("not a PEM public key")
	}
	var pub any
	var err error
	switch block.Type {
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var c *x509.Certificate
		if c, err = x509.ParseCertificate(block.Bytes); err == nil {
			pub = c.PublicKey
		}
	default:
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("parse public key: %w", err)
	}
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("not an RSA public key")
	}
	if k.N.BitLen() < minSigningKeyBits {
		return nil, fmt.Errorf("RSA key of %d bits; at least %d bits are required", k.N.BitLen(), minSigningKeyBits)
	}
	return k, nil
}
