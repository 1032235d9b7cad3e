package emulator

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsid"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/policy"
	iotreg "github.com/iotemu/iotemu/registry"
)

// certSource identifies a client by its TLS client certificate, which must
// be registered and ACTIVE; the principal is the certificate and its
// policies those attached to the certificate ARN (and to the thing groups
// of its attached thing, registry.Identity).
// AWS: x509-client-certs.html; broker.md §1.12 (unauthorised CONNECT).
type certSource struct{ s *Server }

var (
	errUnknownCertificate  = errors.New("certificate is not registered")
	errInactiveCertificate = errors.New("certificate is not ACTIVE")
)

func (c certSource) resolveMQTT(cl *mqtt.Client, _ packets.Packet) (*authIdentity, bool, error) {
	bc, ok := cl.Net.Conn.(*brokerConn)
	if !ok {
		return nil, false, nil
	}
	cert := bc.peerCertificate()
	if cert == nil {
		return nil, false, nil
	}
	id, err := c.identity(cert, cl.ID)
	return id, true, err
}

func (c certSource) resolveHTTP(r *http.Request, _ []byte) (*authIdentity, bool, error) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil, false, nil
	}
	id, err := c.identity(r.TLS.PeerCertificates[0], "")
	return id, true, err
}

// identity resolves a certificate and client ID in the registry. A refused
// certificate that is registered still comes with its identity (for the
// connect_failed event).
func (c certSource) identity(cert *x509.Certificate, clientID string) (*authIdentity, error) {
	reg, err := c.s.iotreg.IdentityForCertificate(cert.Raw, clientID)
	if err != nil {
		return &authIdentity{principal: awsid.CertificateID(cert.Raw)}, forbidden(fmt.Errorf("%w: %w", errUnknownCertificate, err))
	}
	id := &authIdentity{principal: reg.Certificate.ID, registered: true}
	if reg.Certificate.Status != iotreg.StatusActive {
		return id, forbidden(fmt.Errorf("%w: %s", errInactiveCertificate, reg.Certificate.Status))
	}
	if err := c.s.auth.fromRegistry(id, reg); err != nil {
		return id, forbidden(err)
	}
	id.conn.Certificate = cert
	return id, nil
}

// fromRegistry sets an identity's policies and thing variables from its
// registry identity.
func (a *authCore) fromRegistry(id *authIdentity, reg iotreg.Identity) error {
	for _, ap := range reg.Policies {
		p, err := a.parse(ap.Document)
		if err != nil {
			return fmt.Errorf("policy %s version %s: %w", ap.Name, ap.VersionID, err)
		}
		id.policies = append(id.policies, p)
	}
	setThing(&id.conn, reg)
	return nil
}

// setThing sets the Thing policy variables of a registry identity.
// AWS: thing-policy-variables.html (broker.md §6.4).
func setThing(c *policy.Connection, reg iotreg.Identity) {
	if reg.Thing == nil {
		return
	}
	c.ThingName = reg.Thing.Name
	c.ThingTypeName = reg.Thing.TypeName
	c.ThingAttributes = reg.Thing.Attributes
	c.IsAttached = reg.ThingAttached
}

// mqttTLSConfig is the MQTT TLS listener's configuration: in strict mode a
// client certificate is required, as on AWS's port 8883, from any issuer
// (the registry decides: RegisterCertificateWithoutCA registers
// certificates of CAs the emulator does not know).
func (s *Server) mqttTLSConfig() *tls.Config {
	if s.auth == nil {
		return s.tls
	}
	c := s.tls.Clone()
	c.ClientAuth = tls.RequireAnyClientCert
	return c
}

// httpsTLSConfig is the HTTPS listener's: a certificate is optional (SigV4
// and custom authorizers need none, as on AWS's port 443), any issuer in
// strict mode.
func (s *Server) httpsTLSConfig() *tls.Config {
	if s.auth == nil {
		return s.tls
	}
	c := s.tls.Clone()
	c.ClientAuth = tls.RequestClientCert
	return c
}
