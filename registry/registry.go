package registry

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
	"github.com/iotemu/iotemu/internal/statedoc"
)

// Config configures a Registry. Region and AccountID are required; the
// rest has defaults.
type Config struct {
	Region    string // in ARNs, e.g. "us-east-1"
	AccountID string // in ARNs and ownedBy, 12 digits

	// Now is the clock of creation dates and the thing-type deprecation
	// delay; nil means time.Now.
	Now func() time.Time

	// Issuer signs the certificates of CreateKeysAndCertificate and
	// CreateCertificateFromCsr; nil makes both fail with InternalFailure.
	Issuer Issuer

	// CAs are the registered CA certificates RegisterCertificate accepts
	// (the emulator registers its own CA).
	CAs []*x509.Certificate

	// KeyAlgorithm is the key pair CreateKeysAndCertificate generates:
	// KeyRSA2048 (default, as AWS) or KeyECDSAP256 (fast).
	KeyAlgorithm KeyAlgorithm

	// ValidatePolicy checks a policy document for CreatePolicy and
	// CreatePolicyVersion; its error becomes a MalformedPolicyException
	// with the error's text. nil means ValidatePolicyShape.
	ValidatePolicy func(document string) error

	// OnChange, when set, is told after every change of a thing (its
	// attributes, type or group memberships, or its deletion) and of a
	// thing group, outside the registry's lock. The root feeds the fleet
	// index from it.
	OnChange func(Change)

	// OnEvent, when set, receives the registry events ($aws/events/thing/...
	// and the thing type and thing group families, events.go), outside the
	// registry's lock, whatever the event configurations: the receiver
	// publishes those whose Type is enabled.
	OnEvent func(Event)
}

// Registry is the thing registry, certificates and policies of one
// emulated account and region. It is safe for concurrent use.
type Registry struct {
	cfg Config

	mu       statedoc.RWMutex // its Generation tells the data directory whether to encode a snapshot
	seq      int64            // creation order of certificates and policies
	things   map[string]*thing
	types    map[string]*thingType
	groups   map[string]*thingGroup
	certs    map[string]*certificate // by certificate ID
	cas      map[string]*x509.Certificate
	policies map[string]*policy
	// targets maps a policy target (certificate ARN, thing group ARN,
	// Cognito identity ID) to the names of its attached policies.
	targets map[string]map[string]bool
	// thingPrincipals and principalThings are the two sides of
	// AttachThingPrincipal.
	thingPrincipals map[string]map[string]ThingPrincipalType
	principalThings map[string]map[string]ThingPrincipalType
	billing         map[string]*billingGroup
	roleAliases     map[string]*RoleAlias
	// caCerts are the CA certificates registered by RegisterCACertificate,
	// by ID; caGen changes with them (TrustedCAs); regCode is the
	// registration code, "" until GetRegistrationCode.
	caCerts map[string]*caCertificate
	caGen   uint64
	regCode string

	pendingMu     sync.Mutex
	pending       []Change
	pendingEvents []Event
	// memberships are the membershipIds of registry events, by group and
	// thing.
	memberships map[string]string
}

var (
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	accountPattern = regexp.MustCompile(`^\d{12}$`)
)

// New validates cfg and returns an empty registry.
func New(cfg Config) (*Registry, error) {
	var errs []error
	if !regionPattern.MatchString(cfg.Region) {
		errs = append(errs, fmt.Errorf("region %q is not an AWS region name", cfg.Region))
	}
	if !accountPattern.MatchString(cfg.AccountID) {
		errs = append(errs, fmt.Errorf("account ID %q is not 12 digits", cfg.AccountID))
	}
	switch cfg.KeyAlgorithm {
	case "":
		cfg.KeyAlgorithm = KeyRSA2048
	case KeyRSA2048, KeyECDSAP256:
	default:
		errs = append(errs, fmt.Errorf("key algorithm %q is not %s or %s", cfg.KeyAlgorithm, KeyRSA2048, KeyECDSAP256))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("new registry: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ValidatePolicy == nil {
		cfg.ValidatePolicy = ValidatePolicyShape
	}
	r := &Registry{
		cfg: cfg, things: map[string]*thing{}, types: map[string]*thingType{}, groups: map[string]*thingGroup{},
		certs: map[string]*certificate{}, cas: map[string]*x509.Certificate{}, policies: map[string]*policy{},
		targets: map[string]map[string]bool{}, thingPrincipals: map[string]map[string]ThingPrincipalType{},
		principalThings: map[string]map[string]ThingPrincipalType{}, billing: map[string]*billingGroup{},
		roleAliases: map[string]*RoleAlias{},
		caCerts:     map[string]*caCertificate{}, memberships: map[string]string{},
	}
	for _, ca := range cfg.CAs {
		r.cas[CertificateID(ca.Raw)] = ca
	}
	return r, nil
}

// arn builds arn:{partition}:iot:{region}:{account}:{resource}.
// AWS: iam/latest/UserGuide/list_awsiot.html#awsiot-resources-for-iam-policies;
// general reference aws-arns-and-namespaces.html (partitions).
func (r *Registry) arn(resource string) string {
	return awsid.ARN("iot", r.cfg.Region, r.cfg.AccountID, resource)
}

// ThingARN is the ARN of a thing: ...:thing/{name}.
func (r *Registry) ThingARN(name string) string { return r.arn("thing/" + name) }

// CertificateARN is the ARN of a certificate: ...:cert/{id}.
func (r *Registry) CertificateARN(id string) string { return r.arn("cert/" + id) }

// PolicyARN is the ARN of a policy: ...:policy/{name}.
func (r *Registry) PolicyARN(name string) string { return r.arn("policy/" + name) }

// ThingGroupARN is the ARN of a thing group: ...:thinggroup/{name}.
func (r *Registry) ThingGroupARN(name string) string { return r.arn("thinggroup/" + name) }

// ThingTypeARN is the ARN of a thing type: ...:thingtype/{name}.
func (r *Registry) ThingTypeARN(name string) string { return r.arn("thingtype/" + name) }

func (r *Registry) now() time.Time { return r.cfg.Now() }

func (r *Registry) nextSeq() int64 {
	r.seq++
	return r.seq
}

// newGenerationID returns an opaque generation ID; AWS's are hex strings
// of 64 characters (observed in DescribeCertificate, UNCONFIRMED format).
func newGenerationID() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x", b)
}

// Region is the region of the registry's ARNs.
func (r *Registry) Region() string { return r.cfg.Region }

// AccountID is the account of the registry's ARNs.
func (r *Registry) AccountID() string { return r.cfg.AccountID }
