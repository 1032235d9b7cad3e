package emulator

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// Constraints of the authorizer members.
// AWS: API_CreateAuthorizer.html#API_CreateAuthorizer_RequestParameters.
var (
	authorizerNamePattern = regexp.MustCompile(`^[\w=,@-]{1,128}$`)
	tokenKeyNamePattern   = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,128}$`)
	publicKeyNamePattern  = regexp.MustCompile(`^[a-zA-Z0-9:_-]{1,128}$`)
)

const (
	maxFunctionARNLen = 2048
	maxPublicKeyLen   = 5120
	// minSigningKeyBits: "Its minimum length is 2,048 bits."
	// AWS: config-custom-auth.html (token signing public key).
	minSigningKeyBits = 2048
)

// validateAuthorizerName checks a path's authorizerName.
func validateAuthorizerName(name string) *awsrest.Error {
	if !authorizerNamePattern.MatchString(name) {
		return invalid("1 validation error detected: Value '%s' at 'authorizerName' failed to satisfy constraint: "+
			"Member must satisfy regular expression pattern: [\\w=,@-]+ and have length between 1 and 128", name)
	}
	return nil
}

// validate checks the members and parses the signing keys into a.keys.
// With signing enabled, tokenKeyName and tokenSigningPublicKeys are
// required. AWS: config-custom-auth.html ("This value is required if
// signing is enabled in your authorizer").
func (a *Authorizer) validate() *awsrest.Error {
	if err := validateAuthorizerName(a.Name); err != nil {
		return err
	}
	switch {
	case a.FunctionARN == "":
		return invalid("authorizerFunctionArn is required")
	case len(a.FunctionARN) > maxFunctionARNLen:
		return invalid("authorizerFunctionArn must be at most %d characters", maxFunctionARNLen)
	case a.TokenKeyName != "" && !tokenKeyNamePattern.MatchString(a.TokenKeyName):
		return invalid("tokenKeyName must match [a-zA-Z0-9_-]+ and have length between 1 and 128")
	case a.Status != AuthorizerActive && a.Status != AuthorizerInactive:
		return invalid("status must be ACTIVE or INACTIVE, not %q", a.Status)
	case !a.SigningDisabled && a.TokenKeyName == "":
		return invalid("tokenKeyName is required when signing is enabled")
	case !a.SigningDisabled && len(a.TokenSigningPublicKeys) == 0:
		return invalid("tokenSigningPublicKeys is required when signing is enabled")
	}
	keys, err := parseSigningKeys(a.TokenSigningPublicKeys)
	if err != nil {
		return invalid("%v", err)
	}
	a.keys = keys
	return nil
}

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
		return nil, fmt.Errorf("not a PEM public key")
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
		return nil, fmt.Errorf("not an RSA public key")
	}
	if k.N.BitLen() < minSigningKeyBits {
		return nil, fmt.Errorf("RSA key of %d bits; at least %d bits are required", k.N.BitLen(), minSigningKeyBits)
	}
	return k, nil
}
