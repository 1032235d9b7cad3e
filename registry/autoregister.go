package registry

import "crypto/x509"

// Just-in-time registration (JITR): a device certificate signed by a
// registered CA whose auto-registration is enabled is registered
// PENDING_ACTIVATION the first time a device presents it.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/auto-register-device-cert.html#configure-auto-reg-first-connect

// AutoRegistration is the outcome of a certificate presented under a CA
// with auto-registration: the device certificate (PENDING_ACTIVATION) and
// its CA.
type AutoRegistration struct {
	Certificate Certificate
	CA          CACertificate
	// New is true when this call registered the certificate; false when it
	// was already registered and still PENDING_ACTIVATION (AWS publishes
	// the registration event again and refuses the connection again).
	New bool
}

// AutoRegister handles a client certificate presented at connection. It
// reports ok=false when the certificate is not a case for JITR: already
// registered in another status, or not signed by an ACTIVE registered CA
// with auto-registration ENABLE, or not valid now; the connection then
// goes on as usual. ok=true means the connection must be refused (JITR
// registered the certificate, or it is still PENDING_ACTIVATION).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/reserved-topics.html#reserved-topics-event
// ("when a client presents a certificate in the PENDING_ACTIVATION status");
// https://docs.aws.amazon.com/iot/latest/developerguide/deactivate-ca-cert.html#deactivate-ca-cert
// (an INACTIVE CA registers no new device certificates).
func (r *Registry) AutoRegister(c *x509.Certificate) (AutoRegistration, bool) {
	if c == nil {
		return AutoRegistration{}, false
	}
	id := CertificateID(c.Raw)
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.certs[id]; ok {
		if old.Status != StatusPendingActivation || old.CACertificateID == "" {
			return AutoRegistration{}, false
		}
		ca, ok := r.caCerts[old.CACertificateID]
		if !ok {
			return AutoRegistration{}, false
		}
		return AutoRegistration{Certificate: old.Certificate, CA: ca.snapshot()}, true
	}
	ca := r.signingCALocked(c)
	if ca == nil || ca.Status != CAStatusActive || ca.AutoRegistrationStatus != AutoRegEnable {
		return AutoRegistration{}, false
	}
	if now := r.now(); now.Before(c.NotBefore) || now.After(c.NotAfter) {
		return AutoRegistration{}, false
	}
	cert, err := r.addCertificateLocked(c, StatusPendingActivation, ca.ID, ca.Mode)
	if err != nil {
		return AutoRegistration{}, false // not reached: the ID was checked under the same lock
	}
	return AutoRegistration{Certificate: cert, CA: ca.snapshot(), New: true}, true
}
