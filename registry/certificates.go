package registry

import (
	"crypto/x509"
	"encoding/pem"
	"slices"
	"strings"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
)

// CertificateStatus is a certificate's status.
// AWS: service-2.json CertificateStatus.
type CertificateStatus string

// The certificate statuses.
const (
	StatusActive            CertificateStatus = "ACTIVE"
	StatusInactive          CertificateStatus = "INACTIVE"
	StatusRevoked           CertificateStatus = "REVOKED"
	StatusPendingTransfer   CertificateStatus = "PENDING_TRANSFER"
	StatusRegisterInactive  CertificateStatus = "REGISTER_INACTIVE"
	StatusPendingActivation CertificateStatus = "PENDING_ACTIVATION"
)

func (s CertificateStatus) valid() bool {
	switch s {
	case StatusActive, StatusInactive, StatusRevoked, StatusPendingTransfer, StatusRegisterInactive, StatusPendingActivation:
		return true
	}
	return false
}

// Certificate modes. AWS: service-2.json CertificateMode.
const (
	ModeDefault = "DEFAULT"
	ModeSNIOnly = "SNI_ONLY"
)

// Certificate is a registered device certificate. X509 is shared and
// must not be modified.
type Certificate struct {
	ID               string // hex SHA-256 of the DER
	ARN              string
	Status           CertificateStatus
	PEM              string
	CACertificateID  string // set by RegisterCertificate with a CA
	Mode             string // ModeDefault or ModeSNIOnly
	OwnedBy          string
	CreationDate     time.Time
	LastModifiedDate time.Time
	GenerationID     string
	CustomerVersion  int
	X509             *x509.Certificate
}

type certificate struct {
	Certificate
	seq int64
}

// CertificateID is AWS's certificate ID of a DER certificate: the
// lowercase hex SHA-256 fingerprint.
// AWS: x509-client-certs.html (certificate ID = SHA-256 fingerprint),
// observed: certificate IDs are 64 hex characters equal to `openssl x509
// -fingerprint -sha256` without colons.
func CertificateID(der []byte) string { return awsid.CertificateID(der) }

// parsePEMCertificate reads the first CERTIFICATE block of pemText.
func parsePEMCertificate(pemText string) (*x509.Certificate, *Error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil || block.Type != "CERTIFICATE" {
		// Message UNCONFIRMED.
		return nil, errorf(CertificateValidation, "The certificate is not a valid PEM-encoded X.509 certificate")
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, errorf(CertificateValidation, "The certificate could not be parsed: %v", err)
	}
	return c, nil
}

// addCertificateLocked stores a new certificate; one already registered
// fails as on AWS.
// AWS: RegisterCertificate ResourceAlreadyExistsException, message
// "The certificate is already provisioned or registered" (moto mirrors it;
// UNCONFIRMED).
func (r *Registry) addCertificateLocked(c *x509.Certificate, status CertificateStatus, caID, mode string) (Certificate, error) {
	id := CertificateID(c.Raw)
	if old, ok := r.certs[id]; ok {
		return Certificate{}, alreadyExists(id, old.ARN, "The certificate is already provisioned or registered")
	}
	now := r.now()
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	cert := &certificate{Certificate: Certificate{
		ID: id, ARN: r.CertificateARN(id), Status: status, PEM: pemText, CACertificateID: caID, Mode: mode,
		OwnedBy: r.cfg.AccountID, CreationDate: now, LastModifiedDate: now, GenerationID: newGenerationID(),
		CustomerVersion: 1, X509: c,
	}, seq: r.nextSeq()}
	r.certs[id] = cert
	return cert.Certificate, nil
}

// DescribeCertificate returns a certificate by ID.
func (r *Registry) DescribeCertificate(id string) (Certificate, error) {
	if err := validCertificateID(id); err != nil {
		return Certificate{}, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.certs[strings.ToLower(strings.TrimPrefix(id, "0x"))]
	if !ok {
		return Certificate{}, certNotFound(id)
	}
	return c.Certificate, nil
}

func certNotFound(id string) *Error {
	return errorf(ResourceNotFound, "The certificate given in the request does not exist (id: %s)", id) // UNCONFIRMED
}

// CertificateByDER returns the registered certificate of a DER
// certificate (what a TLS client presented), whatever its status.
func (r *Registry) CertificateByDER(der []byte) (Certificate, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.certs[CertificateID(der)]
	if !ok {
		return Certificate{}, false
	}
	return c.Certificate, true
}

// UpdateCertificate changes a certificate's status. PENDING_TRANSFER and
// PENDING_ACTIVATION are AWS-internal and refused; a REVOKED certificate
// stays revoked (UNCONFIRMED).
// AWS: apireference/API_UpdateCertificate.html ("Setting the status to
// PENDING_TRANSFER or PENDING_ACTIVATION will result in an exception being
// thrown.").
func (r *Registry) UpdateCertificate(id string, status CertificateStatus) error {
	if err := validCertificateID(id); err != nil {
		return err
	}
	if !status.valid() {
		return invalidMember("newStatus", string(status), "ACTIVE|INACTIVE|REVOKED|PENDING_TRANSFER|REGISTER_INACTIVE|PENDING_ACTIVATION", 1, 18)
	}
	if status == StatusPendingTransfer || status == StatusPendingActivation {
		return errorf(InvalidRequest, "The certificate status %s cannot be set", status)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.certs[strings.ToLower(strings.TrimPrefix(id, "0x"))]
	if !ok {
		return certNotFound(id)
	}
	if c.Status == StatusRevoked && status != StatusRevoked {
		return errorf(CertificateState, "Certificate is revoked. Id: %s", c.ID)
	}
	if c.Status == StatusPendingTransfer {
		return errorf(CertificateState, "Certificate is pending transfer. Id: %s", c.ID)
	}
	c.Status = status
	c.LastModifiedDate = r.now()
	return nil
}

// DeleteCertificate deletes a certificate that is not ACTIVE and has no
// attached thing; attached policies block it unless force.
// AWS: apireference/API_DeleteCertificate.html; messages observed
// [I-rebuy-de/aws-nuke#374] and in moto's tests.
func (r *Registry) DeleteCertificate(id string, force bool) error {
	if err := validCertificateID(id); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.certs[strings.ToLower(strings.TrimPrefix(id, "0x"))]
	if !ok {
		return certNotFound(id)
	}
	if c.Status == StatusActive {
		return errorf(CertificateState, "Certificate must be deactivated (not ACTIVE) before deletion. Id: %s", c.ID)
	}
	if len(r.principalThings[c.ARN]) > 0 {
		return errorf(DeleteConflict, "Things must be detached before deletion (arn: %s)", c.ARN)
	}
	if len(r.targets[c.ARN]) > 0 && !force {
		return errorf(DeleteConflict, "Certificate policies must be detached before deletion (arn: %s)", c.ARN)
	}
	delete(r.targets, c.ARN)
	delete(r.certs, c.ID)
	return nil
}

// ListCertificates lists certificates by creation date, newest first
// unless ascending. AWS: apireference/API_ListCertificates.html.
func (r *Registry) ListCertificates(marker string, pageSize int, ascending bool) ([]Certificate, string, error) {
	r.mu.RLock()
	all := make([]*certificate, 0, len(r.certs))
	for _, c := range r.certs {
		all = append(all, c)
	}
	r.mu.RUnlock()
	slices.SortFunc(all, func(a, b *certificate) int {
		if ascending {
			return int(a.seq - b.seq)
		}
		return int(b.seq - a.seq)
	})
	page, next, err := pageOf(all, func(c *certificate) string { return seqKey(c.seq) }, marker, pageSize, !ascending)
	if err != nil {
		return nil, "", err
	}
	out := make([]Certificate, len(page))
	for i, c := range page {
		out[i] = c.Certificate
	}
	return out, next, nil
}
