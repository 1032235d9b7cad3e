// Package certs makes the emulator's X.509 material: a CA generated at start,
// server certificates for the TLS listeners, and client certificates for
// tests. Keys are ECDSA P-256 so that a fresh emulator starts in
// milliseconds (RSA-2048 generation alone takes tens of them).
package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"time"
)

// Authority is a CA able to issue certificates.
type Authority struct {
	Cert    *x509.Certificate
	Key     crypto.Signer
	CertPEM []byte
}

// NewAuthority generates a self-signed CA valid from now-1h for ten years.
func NewAuthority(commonName string, now time.Time) (*Authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: commonName, Organization: []string{"iotemu"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := sign(tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("sign CA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse CA: %w", err)
	}
	return &Authority{Cert: cert, Key: key, CertPEM: encodePEM("CERTIFICATE", der)}, nil
}

// LoadAuthority reads a CA certificate and its private key from PEM files.
func LoadAuthority(certFile, keyFile string) (*Authority, error) {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("load CA key pair: %w", err)
	}
	return authorityOf(pair, certFile)
}

// ParseAuthority reads a CA certificate and its private key from PEM
// bytes (the data directory keeps the generated CA so that the
// certificates it issued stay valid across restarts).
func ParseAuthority(certPEM, keyPEM []byte) (*Authority, error) {
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("parse CA key pair: %w", err)
	}
	return authorityOf(pair, "the stored CA")
}

// KeyPEM is the CA's private key in PKCS #8 PEM.
func (a *Authority) KeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(a.Key)
	if err != nil {
		return nil, fmt.Errorf("marshal CA key: %w", err)
	}
	return encodePEM("PRIVATE KEY", der), nil
}

func authorityOf(pair tls.Certificate, certFile string) (*Authority, error) {
	signer, ok := pair.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, errors.New("load CA key pair: private key cannot sign")
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("parse CA: %w", err)
	}
	if !cert.IsCA {
		return nil, fmt.Errorf("load CA key pair: %s is not a CA certificate", certFile)
	}
	return &Authority{Cert: cert, Key: signer, CertPEM: encodePEM("CERTIFICATE", pair.Certificate[0])}, nil
}

// Pool returns a pool holding only this CA.
func (a *Authority) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(a.Cert)
	return p
}

// IssueServer issues a TLS server certificate for the given DNS names and IP
// addresses.
func (a *Authority) IssueServer(hosts []string, now time.Time) (tls.Certificate, error) {
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: "iotemu", Organization: []string{"iotemu"}},
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    now.AddDate(1, 0, 0),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	return a.issue(tmpl)
}

// IssueClient issues a TLS client certificate with the given common name,
// as AWS IoT's CreateKeysAndCertificate would for a device.
func (a *Authority) IssueClient(commonName string, now time.Time) (tls.Certificate, error) {
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: commonName},
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    now.AddDate(1, 0, 0),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	return a.issue(tmpl)
}

// deviceNotAfter is the end of validity of device certificates.
// AWS: observed: certificates from CreateKeysAndCertificate are valid until
// 2049-12-31T23:59:59Z (UNCONFIRMED in the docs).
var deviceNotAfter = time.Date(2049, 12, 31, 23, 59, 59, 0, time.UTC)

// IssueDevice signs a device (client) certificate for pub with the given
// subject, as CreateKeysAndCertificate and CreateCertificateFromCsr do, and
// returns its DER.
func (a *Authority) IssueDevice(pub crypto.PublicKey, subject pkix.Name, now time.Time) ([]byte, error) {
	tmpl := &x509.Certificate{
		Subject:     subject,
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    deviceNotAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := sign(tmpl, a.Cert, pub, a.Key)
	if err != nil {
		return nil, fmt.Errorf("sign device certificate: %w", err)
	}
	return der, nil
}

func (a *Authority) issue(tmpl *x509.Certificate) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("generate key: %w", err)
	}
	der, err := sign(tmpl, a.Cert, &key.PublicKey, a.Key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("sign certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("parse certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der, a.Cert.Raw}, PrivateKey: key, Leaf: leaf}, nil
}

func sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("serial number: %w", err)
	}
	tmpl.SerialNumber = serial
	return x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
}

// PEM returns the certificate chain and the private key of c in PEM form.
func PEM(c tls.Certificate) (certPEM, keyPEM []byte, err error) {
	for _, der := range c.Certificate {
		certPEM = append(certPEM, encodePEM("CERTIFICATE", der)...)
	}
	der, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		return nil, nil, fmt.Errorf("marshal key: %w", err)
	}
	return certPEM, encodePEM("PRIVATE KEY", der), nil
}

// WriteFile writes the CA certificate to path, readable by everyone: it is
// public material clients need to trust the emulator.
func (a *Authority) WriteFile(path string) error {
	if err := os.WriteFile(path, a.CertPEM, 0o644); err != nil { //nolint:gosec // a CA certificate is public
		return fmt.Errorf("write CA certificate: %w", err)
	}
	return nil
}

func encodePEM(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
