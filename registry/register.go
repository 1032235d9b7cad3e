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

// RegisterCertificate registers a certificate signed by a registered CA
// (Config.CAs). AWS: apireference/API_RegisterCertificate.html. Error
// messages UNCONFIRMED.
func (r *Registry) RegisterCertificate(in RegisterCertificateInput) (Certificate, error) {
	c, status, err := r.parseForRegister(in.CertificatePEM, in.Status)
	if err != nil {
		return Certificate{}, err
	}
	var ca *x509.Certificate
	if in.CACertificatePEM != "" {
		given, err := parsePEMCertificate(in.CACertificatePEM)
		if err != nil {
			return Certificate{}, err
		}
		ca = r.cas[CertificateID(given.Raw)] // r.cas is set by New only
		if ca == nil {
			return Certificate{}, errorf(CertificateValidation, "The CA certificate is not registered")
		}
		if c.CheckSignatureFrom(ca) != nil {
			return Certificate{}, errorf(CertificateValidation, "The certificate is not signed by the given CA certificate")
		}
	} else {
		for _, cand := range r.cas {
			if c.CheckSignatureFrom(cand) == nil {
				ca = cand
				break
			}
		}
		if ca == nil {
			return Certificate{}, errorf(CertificateValidation, "The certificate is not signed by a registered CA certificate")
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.addCertificateLocked(c, status, CertificateID(ca.Raw), ModeDefault)
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
