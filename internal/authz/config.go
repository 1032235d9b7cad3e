package authz

import (
	"log/slog"
	"time"

	"github.com/iotemu/iotemu/policy"
	"github.com/iotemu/iotemu/registry"
)

// Config is strict mode's configuration, translated by the emulator from
// its public AuthConfig.
type Config struct {
	Region, AccountID string
	// Credentials are the access keys SigV4 requests may be signed with.
	Credentials []Credential
	// Now is the clock of signature expiry; nil means time.Now.
	Now func() time.Time
	// PolicyCompat is passed to policy.ParseWithOptions.
	PolicyCompat policy.Compat
	// AnonymousPrincipal is the principal of connect_failed events of a
	// client that presented no identity.
	AnonymousPrincipal string
	// DisconnectOnDeniedV5 ends an MQTT 5 connection whose PUBLISH or
	// SUBSCRIBE is denied, as AWS does for MQTT 3.1.1.
	DisconnectOnDeniedV5 bool
	// ConnectFailedForUnknown publishes connect_failed also for refused
	// clients without a registered identity.
	ConnectFailedForUnknown bool
	// UnauthorizedStatus401 answers a signed iot-data request its
	// policies deny with 401 UnauthorizedException instead of 403.
	UnauthorizedStatus401 bool
	// UnsignedControlPlane lets unsigned requests call the control plane.
	UnsignedControlPlane bool
	// Logger receives a line per denial (the request log); nil: none.
	Logger *slog.Logger
}

// Credential is one AWS access key and what its identity may do.
type Credential struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	// Principal is the identity's principal; "" means "<account>/<AccessKeyID>".
	Principal string
	// Policies names registry policies granted to the identity.
	Policies []string
	// PolicyDocuments are IoT policy documents granted to the identity.
	PolicyDocuments []string
	// AllowAll allows every data-plane action (an IAM administrator).
	AllowAll bool
}

// Registry is what the identity sources read of the IoT registry.
type Registry interface {
	IdentityForCertificate(der []byte, clientID string) (registry.Identity, error)
	IdentityForPrincipal(principal, clientID string) registry.Identity
	GetPolicy(name string) (registry.Policy, error)
	PrincipalPolicies(principal string) []registry.AttachedPolicy
	// CheckPrincipal and PoliciesByName serve TestAuthorization (Simulate).
	CheckPrincipal(principal string) error
	PoliciesByName(names []string) ([]registry.AttachedPolicy, error)
}

var _ Registry = (*registry.Registry)(nil)
