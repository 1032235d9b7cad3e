package emulator

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net/http"
	"time"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/certs"
	"github.com/iotemu/iotemu/internal/controlplane"
	"github.com/iotemu/iotemu/policy"
	iotreg "github.com/iotemu/iotemu/registry"
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
		ValidatePolicy: validatePolicy,
	})
	if err != nil {
		return err
	}
	s.iotreg = r
	return nil
}

// newControlPlane builds the control plane on the registry, the rules
// engine and the rules' actions; it runs after newRules.
func (s *Server) newControlPlane() error {
	cp, err := controlplane.New(controlplane.Config{
		Registry: s.iotreg, Rules: s.rules, Actions: s.actions, Endpoints: advertisedHost(s.cfg.AdvertisedHost),
		CACertPEM: s.ca.CertPEM, CertsDir: s.cfg.CertsDir, Logger: s.log,
		Compat: controlplane.Compat{RuleNotFoundAsResourceNotFound: s.cfg.Compat.RuleNotFoundAsResourceNotFound},
	})
	if err != nil {
		return err
	}
	s.control = cp
	return nil
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

// The helpers below serve the custom authorizers' control-plane handlers
// (controlplane_authorizers*.go) until they move to internal/controlplane
// and its awsrest.Handle adapter.

// maxRegistryBodyBytes bounds what a request makes the emulator read.
const maxRegistryBodyBytes = 1 << 20

// writeRegistryError writes a registry error with its modelled shape and
// status; any other error is an InternalFailureException.
func writeRegistryError(w http.ResponseWriter, err error) {
	var re *iotreg.Error
	if errors.As(err, &re) {
		writeError(w, &awsrest.Error{Status: re.Status(), Type: string(re.Code), Message: re.Message})
		return
	}
	var ae *awsrest.Error
	if errors.As(err, &ae) {
		writeError(w, ae)
		return
	}
	writeError(w, awsrest.Errorf(http.StatusInternalServerError, string(iotreg.InternalFailure), "%v", err))
}

// readJSON decodes the request body into v; an empty body is {}.
func readJSON(r *http.Request, v any) error { return awsrest.ReadJSON(r, maxRegistryBodyBytes, v) }

// queryBool reads a boolean query parameter ("" → false).
func queryBool(r *http.Request, name string) (bool, error) { return awsrest.QueryBool(r, name) }

// pageParams reads maxResults and nextToken (or pageSize and marker).
func pageParams(r *http.Request, sizeName, tokenName string) (size int, token string, err error) {
	size, err = awsrest.QueryInt(r, sizeName)
	return size, r.URL.Query().Get(tokenName), err
}

// epochSeconds is AWS's timestamp form in restJson1 bodies.
func epochSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }
