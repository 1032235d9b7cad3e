package sigv4

// Credentials are one access key the emulator accepts.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken, when set, must come with every request signed with
	// this key (temporary credentials); when empty, a request must carry
	// no token.
	SessionToken string
	// Principal identifies the signer for authorisation (an IAM ARN, a
	// Cognito identity ID…); opaque to this package.
	Principal string
}

// CredentialStore resolves an access key ID to its credentials; the
// emulator implements it over its configuration or registry. It must be
// safe for concurrent use.
type CredentialStore interface {
	LookupCredentials(accessKeyID string) (Credentials, bool)
}

// StaticCredentials is a fixed CredentialStore keyed by access key ID.
type StaticCredentials map[string]Credentials

// NewStaticCredentials returns a StaticCredentials holding creds.
func NewStaticCredentials(creds ...Credentials) StaticCredentials {
	m := make(StaticCredentials, len(creds))
	for _, c := range creds {
		m[c.AccessKeyID] = c
	}
	return m
}

// LookupCredentials implements CredentialStore.
func (s StaticCredentials) LookupCredentials(accessKeyID string) (Credentials, bool) {
	c, ok := s[accessKeyID]
	return c, ok
}

var _ CredentialStore = StaticCredentials(nil)

// Chain is a CredentialStore asking each store in turn.
type Chain []CredentialStore

// LookupCredentials implements CredentialStore.
func (c Chain) LookupCredentials(accessKeyID string) (Credentials, bool) {
	for _, s := range c {
		if cr, ok := s.LookupCredentials(accessKeyID); ok {
			return cr, true
		}
	}
	return Credentials{}, false
}
