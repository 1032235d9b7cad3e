package registry

import (
	"crypto/x509"
)

// maxPEMLen is CertificatePem's model length (1–65536).
const maxPEMLen = 65536

// RegisterCertificateInput is RegisterCertificate's request.
type RegisterCertificateInput struct {
	CertificatePEM   string
	CACertificatePEM string            // optional: which registered CA signed it
	Status           CertificateStatus // "" means INACTIVE
}

// RegisterCertificate registers a device certificate signed by a CA the
// registry knows: one registered with RegisterCACertificate (the device
// certificate takes its certificate mode) or one of Config.CAs (the
// emulator's own). A CA named by CACertificatePEM must be one of them.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_RegisterCertificate.html
// Error messages UNCONFIRMED.
func (r *Registry) RegisterCertificate(in RegisterCertificateInput) (Certificate, error) {
	c, status, err := r.parseForRegister(in.CertificatePEM, in.Status)
	if err != nil {
		return Certificate{}, err
	}
	var given *x509.Certificate
	if in.CACertificatePEM != "" {
		var perr *Error
		if given, perr = parsePEMCertificate(in.CACertificatePEM); perr != nil {
			return Certificate{}, perr
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	caID, mode, err := r.issuerLocked(c, given)
	if err != nil {
		return Certificate{}, err
	}
	return r.addCertificateLocked(c, status, caID, mode)
}

// issuerLocked finds the CA of a device certificate being registered: the
// given CA (which must be registered and have signed it), else a
// registered CA that signed it, else one of Config.CAs.
func (r *Registry) issuerLocked(c, given *x509.Certificate) (caID, mode string, err error) {
	if given != nil {
		id := CertificateID(given.Raw)
		var ca *x509.Certificate
		mode = ModeDefault
		if reg, ok := r.caCerts[id]; ok {
			ca, mode = reg.X509, reg.Mode
		} else if ca = r.cas[id]; ca == nil { // r.cas is set by New only
			return "", "", errorf(CertificateValidation, "The CA certificate is not registered")
		}
		if c.CheckSignatureFrom(ca) != nil {
			return "", "", errorf(CertificateValidation, "The certificate is not signed by the given CA certificate")
		}
		return id, mode, nil
	}
	if reg := r.signingCALocked(c); reg != nil {
		return reg.ID, reg.Mode, nil
	}
	for id, cand := range r.cas {
		if c.CheckSignatureFrom(cand) == nil {
			return id, ModeDefault, nil
		}
	}
	return "", "", errorf(CertificateValidation, "The certificate is not signed by a registered CA certificate")
}

// RegisterCertificateWithoutCA registers a certificate whatever signed it,
// in SNI_ONLY mode. AWS: apireference/API_RegisterCertificateWithoutCA.html.
func (r *Registry) RegisterCertificateWithoutCA(pemText string, status CertificateStatus) (Certificate, error) {
	c, status, err := r.parseForRegister(pemText, status)
	if err != nil {
		return Certificate{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.addCertificateLocked(c, status, "", ModeSNIOnly)
}

func (r *Registry) parseForRegister(pemText string, status CertificateStatus) (*x509.Certificate, CertificateStatus, error) {
	if pemText == "" || len(pemText) > maxPEMLen {
		return nil, "", invalidMember("certificatePem", "", `[\s\S]*`, 1, maxPEMLen)
	}
	if status == "" {
		status = StatusInactive
	}
	if !status.valid() || status == StatusPendingTransfer || status == StatusPendingActivation {
		return nil, "", errorf(InvalidRequest, "The certificate status %s cannot be set", status)
	}
	c, err := parsePEMCertificate(pemText)
	if err != nil {
		return nil, "", err
	}
	now := r.now()
	if now.Before(c.NotBefore) || now.After(c.NotAfter) {
		return nil, "", errorf(CertificateValidation, "The certificate is expired or not yet valid")
	}
	return c, status, nil
}
