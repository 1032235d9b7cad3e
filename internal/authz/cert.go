package authz

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/iotemu/iotemu/internal/awsid"
	"github.com/iotemu/iotemu/policy"
	"github.com/iotemu/iotemu/registry"
)

// certSource identifies a client by its TLS client certificate, which must
// be registered and ACTIVE; the principal is the certificate and its
// policies those attached to the certificate ARN (and to the thing groups
// of its attached thing, registry.Identity).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/x509-client-certs.html#x509-client-certs
type certSource struct{ a *Authorizer }

var (
	errUnknownCertificate  = errors.New("certificate is not registered")
	errInactiveCertificate = errors.New("certificate is not ACTIVE")
	errCertificateValidity = errors.New("certificate is expired or not yet valid")
)

// Resolve claims any client that sent a certificate. At CONNECT the client
// ID names the thing; an HTTP request has none.
func (c certSource) Resolve(_ context.Context, p *Presented) (*Identity, bool, error) {
	if p.Certificate == nil {
		return nil, false, nil
	}
	clientID := ""
	if p.MQTT != nil {
		clientID = p.ClientID
	}
	id, err := c.identity(p.Certificate, clientID)
	return id, true, err
}

// identity resolves a certificate and client ID in the registry. A refused
// certificate that is registered still comes with its identity (for the
// connect_failed event).
func (c certSource) identity(cert *x509.Certificate, clientID string) (*Identity, error) {
	reg, err := c.a.reg.IdentityForCertificate(cert.Raw, clientID)
	if err != nil {
		return &Identity{Principal: awsid.CertificateID(cert.Raw)}, Forbidden(fmt.Errorf("%w: %w", errUnknownCertificate, err))
	}
	id := &Identity{Principal: reg.Certificate.ID, Registered: true}
	if reg.Certificate.Status != registry.StatusActive {
		return id, Forbidden(fmt.Errorf("%w: %s", errInactiveCertificate, reg.Certificate.Status))
	}
	// On the emulator's clock (Config.Now), so that a test can move past
	// a certificate's notAfter. AWS ends the TLS handshake instead; the
	// emulator's TLS layer accepts any certificate (UNCONFIRMED which
	// connect_failed event, if any, AWS publishes).
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/x509-client-certs.html#x509-client-certs
	if now := c.a.now(); now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return id, Forbidden(fmt.Errorf("%w: valid %v to %v", errCertificateValidity, cert.NotBefore, cert.NotAfter))
	}
	if err := c.a.fromRegistry(id, reg); err != nil {
		return id, Forbidden(err)
	}
	id.Conn.Certificate = cert
	return id, nil
}

// fromRegistry sets an identity's policies and thing variables from its
// registry identity.
func (a *Authorizer) fromRegistry(id *Identity, reg registry.Identity) error {
	for _, ap := range reg.Policies {
		p, err := a.Parse(ap.Document)
		if err != nil {
			return fmt.Errorf("policy %s version %s: %w", ap.Name, ap.VersionID, err)
		}
		id.Policies = append(id.Policies, p)
		id.PolicyNames = append(id.PolicyNames, ap.Name)
	}
	setThing(&id.Conn, reg)
	return nil
}

// setThing sets the Thing policy variables of a registry identity.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-variables.html#thing-policy-variables
func setThing(c *policy.Connection, reg registry.Identity) {
	if reg.Thing == nil {
		return
	}
	c.ThingName = reg.Thing.Name
	c.ThingTypeName = reg.Thing.TypeName
	c.ThingAttributes = reg.Thing.Attributes
	c.IsAttached = reg.ThingAttached
}
