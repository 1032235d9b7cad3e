package customauth

import (
	"fmt"

	"github.com/iotemu/iotemu/fixtures"
)

// ApplyFixtures creates the fixtures' custom authorizers (as
// CreateAuthorizer would) and sets the default one.
func ApplyFixtures(st *Store, as []fixtures.Authorizer) []error {
	var errs []error
	for i, fa := range as {
		a := &Authorizer{Name: fa.Name, FunctionARN: fa.AuthorizerFunctionArn, TokenKeyName: fa.TokenKeyName,
			TokenSigningPublicKeys: fa.TokenSigningPublicKeys, SigningDisabled: fa.SigningDisabled, Status: fa.Status,
			EnableCachingForHTTP: fa.EnableCachingForHTTP}
		if _, err := st.Create(a); err != nil {
			errs = append(errs, fmt.Errorf("authorizers[%d] (%s): %w", i, fa.Name, err))
			continue
		}
		if fa.Default {
			if _, err := st.SetDefault(fa.Name); err != nil {
				errs = append(errs, fmt.Errorf("authorizers[%d] (%s): %w", i, fa.Name, err))
			}
		}
	}
	return errs
}
