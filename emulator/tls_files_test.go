package emulator_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// TestTLSFromFiles: a CA and a server certificate loaded from PEM files
// (-tls-ca-cert/-tls-ca-key, -tls-cert/-tls-key) are the ones used, a
// client certificate from that CA is accepted, and -tls-write-ca writes the
// CA at start.
func TestTLSFromFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca, caKey := newTestCert(t, "user CA", nil, nil, true)
	srvCert, srvKey := newTestCert(t, "localhost", ca, caKey, false)
	devCert, devKey := newTestCert(t, "device", ca, caKey, false)
	files := map[string][]byte{
		"ca.pem": pemOf("CERTIFICATE", ca.Raw), "ca.key": keyPEM(t, caKey),
		"srv.pem": pemOf("CERTIFICATE", srvCert.Raw), "srv.key": keyPEM(t, srvKey),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) {
		c.TLS.CACertFile, c.TLS.CAKeyFile = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca.key")
		c.TLS.CertFile, c.TLS.KeyFile = filepath.Join(dir, "srv.pem"), filepath.Join(dir, "srv.key")
		c.TLS.WriteCAFile = filepath.Join(dir, "written.pem")
	}))
	if !bytes.Equal(emu.Server().CACertificatePEM(), files["ca.pem"]) {
		t.Fatal("CA: got a generated one, want the one from the file")
	}
	if written, err := os.ReadFile(filepath.Join(dir, "written.pem")); err != nil || !bytes.Equal(written, files["ca.pem"]) {
		t.Fatalf("-tls-write-ca: got %q (%v), want the CA certificate", written, err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	conn, err := tls.Dial("tcp", emu.Server().MQTTTLSAddr(), &tls.Config{
		RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: [][]byte{devCert.Raw}, PrivateKey: devKey}},
	})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer func() { _ = conn.Close() }()
	if got := conn.ConnectionState().PeerCertificates[0]; !got.Equal(srvCert) {
		t.Fatalf("server certificate: got %s, want the one from the file", got.Subject)
	}
}

// newTestCert makes a certificate signed by parent (self-signed if nil).
func newTestCert(t *testing.T, cn string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, isCA bool) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: isCA,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		DNSNames:    []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func keyPEM(t *testing.T, k *ecdsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pemOf("PRIVATE KEY", der)
}
