package emulator

import (
	"crypto/x509"
	"errors"
	"fmt"
	"sync"
	"time"
)

// The TLS listeners' trust in client certificates: the emulator's CA, the
// CA certificates registered ACTIVE through RegisterCACertificate (read at
// each handshake, so registering or deactivating a CA applies to the next
// connection), and any certificate registered in the registry
// (RegisterCertificateWithoutCA). In strict mode every certificate is
// accepted by TLS and the registry decides at CONNECT (authconfig.go).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/register-CA-cert.html#register-CA-cert
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/deactivate-ca-cert.html#deactivate-ca-cert

// trustPool caches the pool of trusted CAs by the registry's CA
// generation.
type trustPool struct {
	mu   sync.Mutex
	gen  uint64
	pool *x509.CertPool
}

var errUntrustedClientCertificate = errors.New("client certificate not signed by a trusted CA")

// verifyClientCertificate is the permissive listeners' VerifyPeerCertificate:
// no certificate is fine unless Compat.RequireClientCertificate (which the
// TLS ClientAuth enforces).
func (s *Server) verifyClientCertificate(raw [][]byte, _ [][]*x509.Certificate) error {
	if len(raw) == 0 {
		return nil
	}
	chain := make([]*x509.Certificate, 0, len(raw))
	for _, der := range raw {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return fmt.Errorf("parse client certificate: %w", err)
		}
		chain = append(chain, c)
	}
	if s.iotreg != nil {
		if _, ok := s.iotreg.CertificateByDER(raw[0]); ok {
			return nil
		}
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{
		Roots: s.trustedRoots(), Intermediates: inter, CurrentTime: time.Now(),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		return fmt.Errorf("%w: %w", errUntrustedClientCertificate, err)
	}
	return nil
}

// trustedRoots is the emulator's CA and the ACTIVE registered CAs.
func (s *Server) trustedRoots() *x509.CertPool {
	if s.iotreg == nil {
		return s.ca.Pool()
	}
	cas, gen := s.iotreg.TrustedCAs()
	t := &s.trust
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pool == nil || t.gen != gen {
		p := s.ca.Pool()
		for _, c := range cas {
			p.AddCert(c)
		}
		t.pool, t.gen = p, gen
	}
	return t.pool
}
