package registry_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/iotemu/iotemu/registry"
)

// testCA is a minimal Issuer.
type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func newTestCA(tb testing.TB, now time.Time) *testCA {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key}
}

func (ca *testCA) Issue(pub crypto.PublicKey, subject pkix.Name, now time.Time) ([]byte, error) {
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()), Subject: subject,
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0),
	}
	return x509.CreateCertificate(rand.Reader, tmpl, ca.cert, pub, ca.key)
}

// pemOf issues a certificate from ca for a fresh key and returns its PEM.
func (ca *testCA) pemOf(tb testing.TB, now time.Time) string {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	der, err := ca.Issue(&key.PublicKey, pkix.Name{CommonName: "dev"}, now)
	if err != nil {
		tb.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func newRegistry(tb testing.TB) (*registry.Registry, *testCA, *clock) {
	tb.Helper()
	clk := &clock{t0}
	ca := newTestCA(tb, t0)
	r, err := registry.New(registry.Config{
		Region: "eu-west-1", AccountID: "111122223333", Now: clk.now, Issuer: ca,
		CAs: []*x509.Certificate{ca.cert}, KeyAlgorithm: registry.KeyECDSAP256,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return r, ca, clk
}

// wantCode fails unless err is a registry error of code c.
func wantCode(tb testing.TB, err error, c registry.Code) {
	tb.Helper()
	var re *registry.Error
	if !errors.As(err, &re) || re.Code != c {
		tb.Fatalf("got error %v, want %s", err, c)
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`
