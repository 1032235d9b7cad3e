package authz

import (
	"context"
	"time"

	"github.com/iotemu/iotemu/policy"
)

// Source resolves who a client is. A source that does not apply (no
// certificate, no signature, no authorizer token) returns ok=false and the
// next one is tried; a source that applies returns an identity, or ok=true
// with an error (an *Error) that refuses the client, possibly with the
// identity it refused (a registered principal, for connect_failed).
type Source interface {
	Resolve(ctx context.Context, p *Presented) (id *Identity, ok bool, err error)
}

// Identity is an authenticated principal and what it may do.
type Identity struct {
	// Principal is the principalIdentifier of lifecycle events: the
	// certificate ID, the IAM form of an access key, the custom
	// authorizer's principalId.
	Principal string
	// Policies are the parsed IoT policies of the principal.
	Policies []*policy.Policy
	// PolicyNames are their names, index for index ("" or missing: an
	// unnamed document, logged as "policyDocuments[i]").
	PolicyNames []string
	// AllowAll: an IAM-like identity allowed every action.
	AllowAll bool
	// Conn holds the policy variables the source knows (thing, certificate);
	// Connect adds the client ID, source IP and connect attributes.
	Conn policy.Connection
	// Registered: the principal belongs to the account (a registered
	// certificate, a configured credential, an authorizer's answer), so a
	// refusal of it publishes connect_failed.
	Registered bool
	// LookupThing: the thing variables come from the registry by client
	// ID at CONNECT (SigV4 and authorizer identities; the certificate
	// source sets them itself).
	LookupThing bool
	// RefreshAt and DisconnectAt (zero: never) are a custom authorizer's
	// refreshAfterInSeconds and disconnectAfterInSeconds, enforced on MQTT
	// connections by the broker; Refresh, if set, resolves the identity
	// again once RefreshAt has passed.
	RefreshAt, DisconnectAt time.Time
	Refresh                 func(ctx context.Context) (*Identity, error)
	// WebSocketExpiry is when a presigned WebSocket connection reaches
	// AWS's 24-hour limit (recorded, not enforced).
	WebSocketExpiry time.Time
}

// Allowed authorises one request of the identity.
func (id *Identity) Allowed(action, resource string, ctx *policy.Context) bool {
	return id.Decide(action, resource, ctx).Allowed
}
