package provisioning

import (
	"context"
	"errors"
)

// Certificate statuses the provisioning flows set.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#create-keys-cert
const (
	StatusActive            = "ACTIVE"
	StatusInactive          = "INACTIVE"
	StatusPendingActivation = "PENDING_ACTIVATION"
)

// Certificate is a registered certificate as the provisioning flows see it.
type Certificate struct {
	ID     string
	ARN    string
	PEM    string
	Status string
}

// Keys is a generated key pair in PEM.
type Keys struct {
	PublicKey  string
	PrivateKey string
}

// Thing is a registered thing as the provisioning flows see it.
type Thing struct {
	Name       string
	ARN        string
	TypeName   string
	Attributes map[string]string
	Groups     []string // static thing groups it belongs to directly
}

// ThingChange is a thing to create, or the changes to make to an
// existing one: nil fields are left alone.
type ThingChange struct {
	Name         string
	TypeName     *string
	Attributes   map[string]string // the whole attribute payload to set
	AddGroups    []string
	RemoveGroups []string
	BillingGroup string
}

// Registry is what provisioning needs of the thing registry. It is
// consumer-side: the composition root adapts its registry to it. Errors
// that are AWS registry errors should carry their message: they become
// ResourceRegistrationFailureException.
type Registry interface {
	// CreateKeysAndCertificate generates a key pair and a certificate
	// signed by the emulator's CA, registered with status.
	CreateKeysAndCertificate(ctx context.Context, status string) (Certificate, Keys, error)
	// CreateCertificateFromCSR signs a PEM CSR and registers the
	// certificate with status. A CSR that does not parse or verify wraps
	// ErrBadCSR.
	CreateCertificateFromCSR(ctx context.Context, csrPEM, status string) (Certificate, error)
	// RegisterCertificate registers a PEM certificate (a template's
	// CertificatePem) with status.
	RegisterCertificate(ctx context.Context, certPEM, status string) (Certificate, error)
	// Certificate returns a registered certificate; ok false if unknown.
	Certificate(ctx context.Context, id string) (Certificate, bool, error)
	// SetCertificateStatus sets a certificate's status, including out of
	// PENDING_ACTIVATION (which UpdateCertificate may not do).
	SetCertificateStatus(ctx context.Context, id, status string) error
	// DeleteCertificate deletes a certificate that was never provisioned.
	DeleteCertificate(ctx context.Context, id string) error

	// Thing returns a registered thing; ok false if unknown.
	Thing(ctx context.Context, name string) (Thing, bool, error)
	// CreateThing creates a thing with c's type, attributes, groups and
	// billing group.
	CreateThing(ctx context.Context, c ThingChange) (Thing, error)
	// UpdateThing applies c to an existing thing.
	UpdateThing(ctx context.Context, c ThingChange) (Thing, error)

	// Policy returns the ARN of an existing policy; ok false if unknown.
	Policy(ctx context.Context, name string) (arn string, ok bool, err error)
	// CreatePolicy creates a policy from a document.
	CreatePolicy(ctx context.Context, name, document string) (arn string, err error)
	// AttachPolicy attaches a policy to a certificate ARN.
	AttachPolicy(ctx context.Context, policyName, certARN string) error
	// AttachThingPrincipal attaches a certificate ARN to a thing.
	AttachThingPrincipal(ctx context.Context, thingName, certARN string) error
}

// ErrBadCSR is what Registry.CreateCertificateFromCSR wraps when the CSR
// cannot be used.
var ErrBadCSR = errors.New("certificate signing request not usable")

// Invoker runs a pre-provisioning hook's Lambda function: the emulator's
// one Lambda invoker. A function error is returned as an error.
type Invoker interface {
	Invoke(ctx context.Context, function string, payload []byte) ([]byte, error)
}
