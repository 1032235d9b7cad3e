package testkit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"testing"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/registry"
)

// WithThing declares a registry thing with attributes (nil for none)
// before the test starts.
func WithThing(name string, attributes map[string]string) Option {
	return func(s *settings) {
		s.fixtures.Things = append(s.fixtures.Things, fixtures.Thing{Name: name, Attributes: attributes})
	}
}

// WithPolicy declares an IoT policy before the test starts.
func WithPolicy(name, document string) Option {
	return func(s *settings) {
		doc, _ := json.Marshal(document) // a string always marshals
		s.fixtures.Policies = append(s.fixtures.Policies, fixtures.Policy{Name: name, Document: doc})
	}
}

// Registry returns the emulator's thing registry, certificates and
// policies, to seed or inspect from Go.
func (e *Emulator) Registry() *registry.Registry { return e.srv.Registry() }

// Device is a registered device: a thing, an ACTIVE certificate attached
// to it and, if one was given, a policy attached to the certificate.
type Device struct {
	ThingName      string
	PolicyName     string // "" without a policy
	CertificateID  string
	CertificateARN string
	// Certificate is the certificate and its ECDSA key, for tls.Config.
	Certificate tls.Certificate
	// TLSConfig trusts the emulator and presents Certificate.
	TLSConfig *tls.Config
}

// CreateDevice registers a device as a user would with the AWS CLI: the
// thing (unless it exists), a certificate from a CSR (CreateCertificateFromCsr,
// ACTIVE), the policy "<thingName>-policy" with policyDocument (none if
// empty) attached to the certificate, and the certificate attached to the
// thing.
func (e *Emulator) CreateDevice(tb testing.TB, thingName, policyDocument string) Device {
	tb.Helper()
	d, err := e.createDevice(thingName, policyDocument)
	if err != nil {
		tb.Fatalf("testkit: create device %q: %v", thingName, err)
	}
	return d
}

func (e *Emulator) createDevice(thingName, policyDocument string) (Device, error) {
	r := e.Registry()
	if _, err := r.DescribeThing(thingName); errors.Is(err, registry.ErrNotFound) {
		if _, err := r.CreateThing(registry.CreateThingInput{Name: thingName}); err != nil {
			return Device{}, err
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Device{}, err
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: thingName}}, key)
	if err != nil {
		return Device{}, err
	}
	cert, err := r.CreateCertificateFromCSR(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr})), true)
	if err != nil {
		return Device{}, err
	}
	d := Device{ThingName: thingName, CertificateID: cert.ID, CertificateARN: cert.ARN}
	if policyDocument != "" {
		d.PolicyName = thingName + "-policy"
		if _, err := r.CreatePolicy(d.PolicyName, policyDocument); err != nil {
			return Device{}, err
		}
		if err := r.AttachPolicy(d.PolicyName, cert.ARN); err != nil {
			return Device{}, err
		}
	}
	if err := r.AttachThingPrincipal(thingName, cert.ARN, ""); err != nil {
		return Device{}, err
	}
	d.Certificate = tls.Certificate{Certificate: [][]byte{cert.X509.Raw}, PrivateKey: key, Leaf: cert.X509}
	d.TLSConfig = &tls.Config{RootCAs: e.CAPool(), Certificates: []tls.Certificate{d.Certificate}, MinVersion: tls.VersionTLS12}
	return d, nil
}

// AsDevice connects over MQTT over TLS with the device's certificate.
func (e *Emulator) AsDevice(d Device) ClientOption {
	return func(o *paho.ClientOptions) {
		o.Servers = nil
		o.AddBroker(e.MQTTTLSURL())
		o.SetTLSConfig(d.TLSConfig)
	}
}
