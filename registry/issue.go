package registry

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"time"
)

// Issuer signs device certificates: the emulator's CA.
type Issuer interface {
	// Issue returns a DER certificate for pub with the given subject,
	// signed by the issuer, valid from now.
	Issue(pub crypto.PublicKey, subject pkix.Name, now time.Time) ([]byte, error)
}

// KeyAlgorithm names the key pair CreateKeysAndCertificate generates.
type KeyAlgorithm string

// Key algorithms.
const (
	// KeyRSA2048 is what AWS returns: an RSA 2048-bit key pair, the private
	// key in PKCS#1 ("RSA PRIVATE KEY"), the public key in PKIX ("PUBLIC
	// KEY"). AWS: observed CreateKeysAndCertificate keyPair.PrivateKey
	// "-----BEGIN RSA PRIVATE KEY-----" (UNCONFIRMED in the docs).
	KeyRSA2048 KeyAlgorithm = "RSA-2048"
	// KeyECDSAP256 is an ECDSA P-256 key pair (PKCS#8 "PRIVATE KEY"),
	// generated in microseconds rather than tens of milliseconds.
	KeyECDSAP256 KeyAlgorithm = "ECDSA-P256"
)

// KeyPair is a PEM key pair as CreateKeysAndCertificate returns it.
type KeyPair struct {
	PublicKey  string
	PrivateKey string
}

// issuedSubject is the subject of certificates AWS issues from
// CreateKeysAndCertificate. AWS: observed "CN=AWS IoT Certificate".
var issuedSubject = pkix.Name{CommonName: "AWS IoT Certificate"}

// CreateKeysAndCertificate generates a key pair and a certificate signed
// by the Issuer, ACTIVE if setActive else INACTIVE.
// AWS: apireference/API_CreateKeysAndCertificate.html.
func (r *Registry) CreateKeysAndCertificate(setActive bool) (Certificate, KeyPair, error) {
	return r.IssueKeysAndCertificate(activeOrInactive(setActive))
}

// activeOrInactive is the status of setAsActive.
func activeOrInactive(setActive bool) CertificateStatus {
	if setActive {
		return StatusActive
	}
	return StatusInactive
}

// IssueKeysAndCertificate is CreateKeysAndCertificate with any status:
// fleet provisioning's certificates start PENDING_ACTIVATION.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#create-keys-cert
func (r *Registry) IssueKeysAndCertificate(status CertificateStatus) (Certificate, KeyPair, error) {
	signer, priv, err := r.generateKey()
	if err != nil {
		return Certificate{}, KeyPair{}, errorf(InternalFailure, "generate key: %v", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(signer.Public())
	if err != nil {
		return Certificate{}, KeyPair{}, errorf(InternalFailure, "marshal public key: %v", err)
	}
	cert, err := r.issue(signer.Public(), issuedSubject, status)
	if err != nil {
		return Certificate{}, KeyPair{}, err
	}
	return cert, KeyPair{
		PublicKey:  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})),
		PrivateKey: string(priv),
	}, nil
}

func (r *Registry) generateKey() (crypto.Signer, []byte, error) {
	if r.cfg.KeyAlgorithm == KeyECDSAP256 {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, nil, fmt.Errorf("generate ECDSA key: %w", err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			return nil, nil, fmt.Errorf("marshal ECDSA key: %w", err)
		}
		return k, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, fmt.Errorf("generate RSA key: %w", err)
	}
	return k, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}), nil
}

func (r *Registry) issue(pub crypto.PublicKey, subject pkix.Name, status CertificateStatus) (Certificate, error) {
	if r.cfg.Issuer == nil {
		return Certificate{}, errorf(InternalFailure, "no certificate issuer configured")
	}
	der, err := r.cfg.Issuer.Issue(pub, subject, r.now())
	if err != nil {
		return Certificate{}, errorf(InternalFailure, "issue certificate: %v", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return Certificate{}, errorf(InternalFailure, "parse issued certificate: %v", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.addCertificateLocked(c, status, "", ModeDefault)
}

// maxCSRLen is CertificateSigningRequest's model length (1–4096).
const maxCSRLen = 4096

// CreateCertificateFromCSR issues a certificate for a PEM CSR, keeping its
// subject (UNCONFIRMED: AWS may replace it). The CSR's signature must
// verify and its key must be RSA of at least 2048 bits or ECDSA P-256/
// P-384/P-521.
// AWS: apireference/API_CreateCertificateFromCsr.html; x509-client-certs.html
// (supported key algorithms).
func (r *Registry) CreateCertificateFromCSR(csrPEM string, setActive bool) (Certificate, error) {
	return r.IssueCertificateFromCSR(csrPEM, activeOrInactive(setActive))
}

// IssueCertificateFromCSR is CreateCertificateFromCSR with any status
// (fleet provisioning). Errors about the CSR are InvalidRequest.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#create-cert-csr
func (r *Registry) IssueCertificateFromCSR(csrPEM string, status CertificateStatus) (Certificate, error) {
	if csrPEM == "" || len(csrPEM) > maxCSRLen {
		return Certificate{}, invalidMember("certificateSigningRequest", csrPEM, `[\s\S]*`, 1, maxCSRLen)
	}
	block, _ := pem.Decode([]byte(csrPEM))
	if block == nil || (block.Type != "CERTIFICATE REQUEST" && block.Type != "NEW CERTIFICATE REQUEST") {
		return Certificate{}, errorf(InvalidRequest, "The certificate signing request is not a valid PEM-encoded CSR") // UNCONFIRMED
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return Certificate{}, errorf(InvalidRequest, "The certificate signing request could not be parsed: %v", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return Certificate{}, errorf(InvalidRequest, "The certificate signing request signature is not valid: %v", err)
	}
	if err := supportedKey(csr.PublicKey); err != nil {
		return Certificate{}, err
	}
	return r.issue(csr.PublicKey, csr.Subject, status)
}

func supportedKey(pub crypto.PublicKey) *Error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() >= 2048 {
			return nil
		}
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384(), elliptic.P521():
			return nil
		}
	}
	return errorf(InvalidRequest, "The certificate signing request key algorithm or size is not supported") // UNCONFIRMED
}
