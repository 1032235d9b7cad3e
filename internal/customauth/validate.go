package customauth

import (
	"net/http"
	"regexp"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// Constraints of the authorizer members.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateAuthorizer.html#API_CreateAuthorizer_RequestParameters
var (
	authorizerNamePattern = regexp.MustCompile(`^[\w=,@-]{1,128}$`)
	tokenKeyNamePattern   = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,128}$`)
)

const maxFunctionARNLen = 2048

func invalid(format string, args ...any) *awsrest.Error {
	return awsrest.Errorf(http.StatusBadRequest, awsrest.InvalidRequest, format, args...)
}

// ValidateName checks a path's authorizerName.
func ValidateName(name string) *awsrest.Error {
	if !authorizerNamePattern.MatchString(name) {
		return invalid("1 validation error detected: Value '%s' at 'authorizerName' failed to satisfy constraint: "+
			"Member must satisfy regular expression pattern: [\\w=,@-]+ and have length between 1 and 128", name)
	}
	return nil
}

// validate checks the members and parses the signing keys into a.keys.
// With signing enabled, tokenKeyName and tokenSigningPublicKeys are
// required ("This value is required if signing is enabled in your
// authorizer").
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/config-custom-auth.html#config-custom-auth
func (a *Authorizer) validate() *awsrest.Error {
	if err := ValidateName(a.Name); err != nil {
		return err
	}
	switch {
	case a.FunctionARN == "":
		return invalid("authorizerFunctionArn is required")
	case len(a.FunctionARN) > maxFunctionARNLen:
		return invalid("authorizerFunctionArn must be at most %d characters", maxFunctionARNLen)
	case a.TokenKeyName != "" && !tokenKeyNamePattern.MatchString(a.TokenKeyName):
		return invalid("tokenKeyName must match [a-zA-Z0-9_-]+ and have length between 1 and 128")
	case a.Status != Active && a.Status != Inactive:
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
