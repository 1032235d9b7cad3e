package registry

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"regexp"
	"slices"
	"strings"
	"time"
)

// templateNamePattern is TemplateName's model pattern.
var templateNamePattern = regexp.MustCompile(`^[0-9A-Za-z_-]+$`)

// CA certificates registered by the account: the registration code that
// proves possession of a CA's key, RegisterCACertificate,
// Describe/List/Update/DeleteCACertificate and ListCertificatesByCA.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/register-CA-cert.html#register-CA-cert
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_RegisterCACertificate.html#API_RegisterCACertificate_RequestSyntax

// CA certificate statuses and auto-registration statuses.
// AWS: service-2.json CACertificateStatus, AutoRegistrationStatus.
const (
	CAStatusActive   = "ACTIVE"
	CAStatusInactive = "INACTIVE"
	AutoRegEnable    = "ENABLE"
	AutoRegDisable   = "DISABLE"
)

// RegistrationCodeValidation is the error of a verification certificate
// whose common name is not the registration code.
// AWS: service-2.json RegistrationCodeValidationException (400).
const RegistrationCodeValidation Code = "RegistrationCodeValidationException"

func init() { statuses[RegistrationCodeValidation] = 400 }

// maxCAsPerSubject is AWS's limit of CA certificates with the same subject
// in one account. AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_RegisterCACertificate.html
// ("up to 10 CA certificates with the same subject field per Amazon Web
// Services account").
const maxCAsPerSubject = 10

// RegistrationConfig is a CA's just-in-time provisioning template: inline
// (TemplateBody and RoleARN) or by name (TemplateName).
// AWS: service-2.json RegistrationConfig.
type RegistrationConfig struct {
	TemplateBody string
	RoleARN      string
	TemplateName string
}

// CACertificate is a registered CA certificate. X509 is shared and must
// not be modified.
type CACertificate struct {
	ID                     string
	ARN                    string // ...:cacert/{id}
	Status                 string // CAStatusActive or CAStatusInactive
	AutoRegistrationStatus string // AutoRegEnable or AutoRegDisable
	PEM                    string
	OwnedBy                string
	CreationDate           time.Time
	LastModifiedDate       time.Time
	CustomerVersion        int
	GenerationID           string
	Mode                   string // ModeDefault or ModeSNIOnly
	// RegistrationConfig is nil when the CA has no provisioning template.
	RegistrationConfig *RegistrationConfig
	X509               *x509.Certificate
}

type caCertificate struct {
	CACertificate
	seq int64
}

func (c *caCertificate) snapshot() CACertificate {
	out := c.CACertificate
	if c.RegistrationConfig != nil {
		rc := *c.RegistrationConfig
		out.RegistrationConfig = &rc
	}
	return out
}

// CACertificateARN is the ARN of a CA certificate: ...:cacert/{id}.
// AWS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiot.html#awsiot-resources-for-iam-policies
func (r *Registry) CACertificateARN(id string) string { return r.arn("cacert/" + id) }

// GetRegistrationCode returns the account's registration code, making one
// on first use; the same code is returned until DeleteRegistrationCode.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_GetRegistrationCode.html
func (r *Registry) GetRegistrationCode() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.regCode == "" {
		var b [32]byte
		_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
		r.regCode = hex.EncodeToString(b[:])
	}
	return r.regCode
}

// DeleteRegistrationCode forgets the registration code; the next
// GetRegistrationCode makes a new one. Without a code it succeeds
// (UNCONFIRMED: ResourceNotFoundException is modelled, its trigger is not
// documented).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteRegistrationCode.html
func (r *Registry) DeleteRegistrationCode() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.regCode = ""
}

// RegisterCACertificateInput is RegisterCACertificate's request.
type RegisterCACertificateInput struct {
	CACertificatePEM           string
	VerificationCertificatePEM string
	SetAsActive                bool
	AllowAutoRegistration      bool
	RegistrationConfig         *RegistrationConfig
	Mode                       string // "" means ModeDefault
}

// RegisterCACertificate registers a CA certificate. In DEFAULT mode the
// verification certificate must be signed by the CA's key and carry the
// registration code as its common name; in SNI_ONLY mode there is none.
// The CA starts INACTIVE unless SetAsActive, with auto-registration
// disabled unless AllowAutoRegistration.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/register-CA-cert.html#register-CA-cert-default-cli
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_RegisterCACertificate.html
// Messages UNCONFIRMED.
func (r *Registry) RegisterCACertificate(in RegisterCACertificateInput) (CACertificate, error) {
	if in.CACertificatePEM == "" || len(in.CACertificatePEM) > maxPEMLen {
		return CACertificate{}, invalidMember("caCertificate", "", `[\s\S]*`, 1, maxPEMLen)
	}
	if len(in.VerificationCertificatePEM) > maxPEMLen {
		return CACertificate{}, invalidMember("verificationCertificate", "", `[\s\S]*`, 1, maxPEMLen)
	}
	mode := in.Mode
	if mode == "" {
		mode = ModeDefault
	}
	if mode != ModeDefault && mode != ModeSNIOnly {
		return CACertificate{}, invalidMember("certificateMode", mode, "DEFAULT|SNI_ONLY", 1, 16)
	}
	if err := validRegistrationConfig(in.RegistrationConfig); err != nil {
		return CACertificate{}, err
	}
	ca, err := parsePEMCertificate(in.CACertificatePEM)
	if err != nil {
		return CACertificate{}, err
	}
	if !ca.IsCA || !ca.BasicConstraintsValid {
		return CACertificate{}, errorf(CertificateValidation, "The certificate is not a CA certificate")
	}
	now := r.now()
	if now.Before(ca.NotBefore) || now.After(ca.NotAfter) {
		return CACertificate{}, errorf(CertificateValidation, "The CA certificate is expired or not yet valid")
	}
	verification, verr := r.parseVerification(in.VerificationCertificatePEM, mode, ca)
	if verr != nil {
		return CACertificate{}, verr
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if verification != nil && verification.Subject.CommonName != r.regCode {
		// AWS: RegisterCACertificate RegistrationCodeValidationException
		// ("The registration code is invalid").
		return CACertificate{}, errorf(RegistrationCodeValidation, "The verification certificate's common name is not the registration code")
	}
	id := CertificateID(ca.Raw)
	if old, ok := r.caCerts[id]; ok {
		return CACertificate{}, alreadyExists(id, old.ARN, "The CA certificate is already registered")
	}
	same := 0
	for _, c := range r.caCerts {
		if string(c.X509.RawSubject) == string(ca.RawSubject) {
			same++
		}
	}
	if same >= maxCAsPerSubject {
		return CACertificate{}, errorf(LimitExceeded, "There are already %d CA certificates with this subject", same)
	}
	status, auto := CAStatusInactive, AutoRegDisable
	if in.SetAsActive {
		status = CAStatusActive
	}
	if in.AllowAutoRegistration {
		auto = AutoRegEnable
	}
	c := &caCertificate{CACertificate: CACertificate{
		ID: id, ARN: r.CACertificateARN(id), Status: status, AutoRegistrationStatus: auto,
		PEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})), OwnedBy: r.cfg.AccountID,
		CreationDate: now, LastModifiedDate: now, CustomerVersion: 1, GenerationID: newGenerationID(), Mode: mode,
		RegistrationConfig: cloneRegistrationConfig(in.RegistrationConfig), X509: ca,
	}, seq: r.nextSeq()}
	r.caCerts[id] = c
	r.caGen++
	return c.snapshot(), nil
}

// parseVerification checks the verification certificate of a mode: DEFAULT
// requires one signed by the CA; SNI_ONLY refuses one.
// AWS: service-2.json RegisterCACertificateRequest.verificationCertificate
// ("required if certificateMode is DEFAULT ... must be empty if
// certificateMode is SNI_ONLY").
func (r *Registry) parseVerification(pemText, mode string, ca *x509.Certificate) (*x509.Certificate, error) {
	if mode == ModeSNIOnly {
		if pemText != "" {
			return nil, errorf(InvalidRequest, "The verification certificate must be empty when certificateMode is SNI_ONLY")
		}
		return nil, nil
	}
	if pemText == "" {
		return nil, errorf(InvalidRequest, "The verification certificate is required when certificateMode is DEFAULT")
	}
	v, err := parsePEMCertificate(pemText)
	if err != nil {
		return nil, err
	}
	if v.CheckSignatureFrom(ca) != nil {
		return nil, errorf(CertificateValidation, "The verification certificate is not signed by the CA certificate")
	}
	now := r.now()
	if now.Before(v.NotBefore) || now.After(v.NotAfter) {
		return nil, errorf(CertificateValidation, "The verification certificate is expired or not yet valid")
	}
	return v, nil
}

func validRegistrationConfig(rc *RegistrationConfig) error {
	if rc == nil {
		return nil
	}
	// AWS: service-2.json TemplateBody (0–10240), RoleArn (20–2048),
	// TemplateName ([0-9A-Za-z_-]+, 1–36).
	if len(rc.TemplateBody) > 10240 {
		return invalidMember("registrationConfig.templateBody", "", `[\s\S]*`, 0, 10240)
	}
	if rc.RoleARN != "" && (len(rc.RoleARN) < 20 || len(rc.RoleARN) > 2048) {
		return invalidMember("registrationConfig.roleArn", rc.RoleARN, ".*", 20, 2048)
	}
	if rc.TemplateName != "" && (len(rc.TemplateName) > 36 || !templateNamePattern.MatchString(rc.TemplateName)) {
		return invalidMember("registrationConfig.templateName", rc.TemplateName, "^[0-9A-Za-z_-]+$", 1, 36)
	}
	return nil
}

func cloneRegistrationConfig(rc *RegistrationConfig) *RegistrationConfig {
	if rc == nil || *rc == (RegistrationConfig{}) {
		return nil
	}
	c := *rc
	return &c
}

// DescribeCACertificate returns a registered CA certificate by ID.
func (r *Registry) DescribeCACertificate(id string) (CACertificate, error) {
	if err := validCertificateID(id); err != nil {
		return CACertificate{}, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.caCerts[normalID(id)]
	if !ok {
		return CACertificate{}, caNotFound(id)
	}
	return c.snapshot(), nil
}

func normalID(id string) string { return strings.ToLower(strings.TrimPrefix(id, "0x")) }

func caNotFound(id string) *Error {
	return errorf(ResourceNotFound, "The CA certificate given in the request does not exist (id: %s)", id) // UNCONFIRMED
}

// UpdateCACertificateInput is UpdateCACertificate's request; empty
// members leave their value unchanged.
type UpdateCACertificateInput struct {
	ID                        string
	NewStatus                 string // CAStatusActive, CAStatusInactive or ""
	NewAutoRegistrationStatus string // AutoRegEnable, AutoRegDisable or ""
	RegistrationConfig        *RegistrationConfig
	RemoveAutoRegistration    bool // clears the registration configuration
}

// UpdateCACertificate changes a CA's status, auto-registration status and
// registration configuration. The deprecated REGISTER_INACTIVE status is
// refused.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateCACertificate.html
func (r *Registry) UpdateCACertificate(in UpdateCACertificateInput) error {
	if err := validCertificateID(in.ID); err != nil {
		return err
	}
	if in.NewStatus != "" && in.NewStatus != CAStatusActive && in.NewStatus != CAStatusInactive {
		return invalidMember("newStatus", in.NewStatus, "ACTIVE|INACTIVE", 1, 16)
	}
	if in.NewAutoRegistrationStatus != "" && in.NewAutoRegistrationStatus != AutoRegEnable && in.NewAutoRegistrationStatus != AutoRegDisable {
		return invalidMember("newAutoRegistrationStatus", in.NewAutoRegistrationStatus, "ENABLE|DISABLE", 1, 16)
	}
	if err := validRegistrationConfig(in.RegistrationConfig); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.caCerts[normalID(in.ID)]
	if !ok {
		return caNotFound(in.ID)
	}
	if in.NewStatus != "" {
		c.Status = in.NewStatus
	}
	if in.NewAutoRegistrationStatus != "" {
		c.AutoRegistrationStatus = in.NewAutoRegistrationStatus
	}
	if rc := cloneRegistrationConfig(in.RegistrationConfig); rc != nil {
		c.RegistrationConfig = rc
	}
	if in.RemoveAutoRegistration {
		c.RegistrationConfig = nil
	}
	c.LastModifiedDate = r.now()
	c.CustomerVersion++
	r.caGen++
	return nil
}

// DeleteCACertificate deletes an INACTIVE CA certificate; an ACTIVE one is
// a CertificateStateException (UNCONFIRMED trigger: the error is modelled
// and AWS's guide deactivates a CA before deleting it). Device
// certificates registered under it stay registered.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteCACertificate.html
func (r *Registry) DeleteCACertificate(id string) error {
	if err := validCertificateID(id); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.caCerts[normalID(id)]
	if !ok {
		return caNotFound(id)
	}
	if c.Status == CAStatusActive {
		return errorf(CertificateState, "The CA certificate must be deactivated (INACTIVE) before deletion. Id: %s", c.ID)
	}
	delete(r.caCerts, c.ID)
	r.caGen++
	return nil
}

// ListCACertificates lists registered CA certificates by creation date,
// newest first unless ascending; templateName keeps those whose
// registration configuration names that template.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListCACertificates.html
func (r *Registry) ListCACertificates(marker string, pageSize int, ascending bool, templateName string) ([]CACertificate, string, error) {
	r.mu.RLock()
	all := make([]*caCertificate, 0, len(r.caCerts))
	for _, c := range r.caCerts {
		if templateName == "" || (c.RegistrationConfig != nil && c.RegistrationConfig.TemplateName == templateName) {
			all = append(all, c)
		}
	}
	r.mu.RUnlock()
	sortBySeq(all, func(c *caCertificate) int64 { return c.seq }, ascending)
	page, next, err := pageOf(all, func(c *caCertificate) string { return seqKey(c.seq) }, marker, pageSize, !ascending)
	if err != nil {
		return nil, "", err
	}
	out := make([]CACertificate, len(page))
	for i, c := range page {
		out[i] = c.snapshot()
	}
	return out, next, nil
}

// ListCertificatesByCA lists the device certificates registered under a
// CA (RegisterCertificate, just-in-time registration), by creation date.
// An unknown CA lists nothing (UNCONFIRMED: no ResourceNotFoundException
// is modelled for this operation).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListCertificatesByCA.html
func (r *Registry) ListCertificatesByCA(caID, marker string, pageSize int, ascending bool) ([]Certificate, string, error) {
	if err := validCertificateID(caID); err != nil {
		return nil, "", err
	}
	caID = normalID(caID)
	r.mu.RLock()
	var all []*certificate
	for _, c := range r.certs {
		if c.CACertificateID == caID {
			all = append(all, c)
		}
	}
	r.mu.RUnlock()
	sortBySeq(all, func(c *certificate) int64 { return c.seq }, ascending)
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

func sortBySeq[T any](items []T, seq func(T) int64, ascending bool) {
	slices.SortFunc(items, func(a, b T) int {
		if ascending {
			return int(seq(a) - seq(b))
		}
		return int(seq(b) - seq(a))
	})
}

// TrustedCAs returns the certificates the TLS listeners verify client
// certificates against beyond the emulator's own CA: the ACTIVE
// registered CA certificates, with a generation number that changes
// whenever the set may have changed (for caching a pool).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/deactivate-ca-cert.html#deactivate-ca-cert
func (r *Registry) TrustedCAs() ([]*x509.Certificate, uint64) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*x509.Certificate, 0, len(r.caCerts))
	for _, c := range r.caCerts {
		if c.Status == CAStatusActive {
			out = append(out, c.X509)
		}
	}
	return out, r.caGen
}

// signingCALocked finds the registered CA certificate that signed c (the
// given one when caPEM names one), else nil.
func (r *Registry) signingCALocked(c *x509.Certificate) *caCertificate {
	var found *caCertificate
	for _, ca := range r.caCerts {
		if c.CheckSignatureFrom(ca.X509) == nil && (found == nil || ca.seq < found.seq) {
			found = ca
		}
	}
	return found
}
