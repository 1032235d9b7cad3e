package emulator

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"time"

	"github.com/iotemu/iotemu/internal/authz"
	"github.com/iotemu/iotemu/internal/certs"
	"github.com/iotemu/iotemu/internal/controlplane"
	"github.com/iotemu/iotemu/internal/credprovider"
	"github.com/iotemu/iotemu/policy"
	iotreg "github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/tagging"
)

// The wiring of the IoT control plane (internal/controlplane): the
// registry with the emulator's CA, and the narrow interfaces the control
// plane's operations need.
//
// The registry package is imported as iotreg because this package already
// has a type named registry (the MQTT connections, connections.go).

// newIoTRegistry creates the registry with the emulator's CA as issuer and
// as the one registered CA, and the policy package as validator.
func (s *Server) newIoTRegistry() error {
	alg := iotreg.KeyRSA2048
	if s.cfg.Compat.ECDSAKeysAndCertificate {
		alg = iotreg.KeyECDSAP256
	}
	r, err := iotreg.New(iotreg.Config{
		Region: s.cfg.Region, AccountID: s.cfg.AccountID, Now: s.cfg.Now,
		Issuer: caIssuer{s.ca}, CAs: []*x509.Certificate{s.ca.Cert}, KeyAlgorithm: alg,
		ValidatePolicy: validatePolicy, OnChange: s.fleet.registryChanged, OnEvent: s.publishRegistryEvent,
	})
	if err != nil {
		return err
	}
	s.iotreg, s.fleet.reg = r, r
	return nil
}

// newControlPlane builds the control plane on the registry, the rules
// engine and the rules' actions; it runs after newRules.
func (s *Server) newControlPlane() error {
	sim, err := s.simulator()
	if err != nil {
		return err
	}
	s.sim = sim
	s.tags = tagging.New()
	cp, err := controlplane.New(controlplane.Config{
		Tags: s.tags, Simulator: sim, Now: s.cfg.Now, Destinations: s.actions.Destinations(),
		Registry: s.iotreg, Rules: s.rules, Actions: s.actions, Endpoints: advertisedHost(s.cfg.AdvertisedHost),
		Authorizers: s.authorizers, AuthorizerTester: s.customAuth, Jobs: s.jobs, Events: s.events, Index: s.fleet.ix,
		Provisioning: s.provisioning,
		CACertPEM:    s.ca.CertPEM, CertsDir: s.cfg.CertsDir, Logger: s.log,
		Compat: controlplane.Compat{RuleNotFoundAsResourceNotFound: s.cfg.Compat.RuleNotFoundAsResourceNotFound},
	})
	if err != nil {
		return err
	}
	s.control = cp
	return nil
}

// simulator answers TestAuthorization: strict mode's authorizer, or in
// permissive mode one built on the same configuration, so that a test can
// ask what strict mode would decide.
func (s *Server) simulator() (*authz.Authorizer, error) {
	if s.authz != nil {
		return s.authz, nil
	}
	a, err := authz.New(s.cfg.authzConfig(), s.iotreg)
	if err != nil {
		return nil, fmt.Errorf("test authorization: %w", err)
	}
	return a, nil
}

// credentialsProvider serves GET /role-aliases/{alias}/credentials on the
// HTTP mux; only the TLS listeners that request a client certificate (the
// HTTPS port, and the 443-style listener for x-amzn-http-ca) can be asked
// over mutual TLS, so they are its endpoint (docs/compatibility.md).
func (s *Server) credentialsProvider() *credprovider.Provider {
	return credprovider.New(credprovider.Config{Registry: s.iotreg, Authorizer: s.sim, Enforce: s.authz != nil,
		AccountID: s.cfg.AccountID, Logger: s.log})
}

// advertisedHost answers DescribeEndpoint with Config.AdvertisedHost for
// every endpoint type.
type advertisedHost string

var _ controlplane.Endpoints = advertisedHost("")

func (h advertisedHost) EndpointAddress(string) string { return string(h) }

// validatePolicy is CreatePolicy's validation: the policy package's parser,
// whose errors carry AWS's MalformedPolicyException messages.
func validatePolicy(doc string) error {
	_, err := policy.Parse(doc)
	return err
}

// caIssuer issues device certificates from the emulator's CA.
type caIssuer struct{ ca *certs.Authority }

var _ iotreg.Issuer = caIssuer{}

func (c caIssuer) Issue(pub crypto.PublicKey, subject pkix.Name, now time.Time) ([]byte, error) {
	return c.ca.IssueDevice(pub, subject, now)
}

// Registry returns the thing registry, certificates and policies, for
// seeding and inspecting from Go.
func (s *Server) Registry() *iotreg.Registry { return s.iotreg }
