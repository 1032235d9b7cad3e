package registry_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/registry"
)

func TestCreateKeysAndCertificate(t *testing.T) {
	for _, alg := range []registry.KeyAlgorithm{registry.KeyRSA2048, registry.KeyECDSAP256} {
		t.Run(string(alg), func(t *testing.T) {
			ca := newTestCA(t, t0)
			r, err := registry.New(registry.Config{Region: "us-east-1", AccountID: "123456789012", Issuer: ca, KeyAlgorithm: alg})
			must(t, err)
			c, kp, err := r.CreateKeysAndCertificate(true)
			must(t, err)
			sum := sha256.Sum256(c.X509.Raw)
			if c.ID != hex.EncodeToString(sum[:]) || c.Status != registry.StatusActive || c.ARN != "arn:aws:iot:us-east-1:123456789012:cert/"+c.ID {
				t.Fatalf("got %+v", c)
			}
			if c.X509.Subject.CommonName != "AWS IoT Certificate" || c.X509.CheckSignatureFrom(ca.cert) != nil {
				t.Fatalf("got subject %v, want AWS IoT Certificate signed by the CA", c.X509.Subject)
			}
			block, _ := pem.Decode([]byte(kp.PrivateKey))
			wantType := map[registry.KeyAlgorithm]string{registry.KeyRSA2048: "RSA PRIVATE KEY", registry.KeyECDSAP256: "PRIVATE KEY"}[alg]
			if block == nil || block.Type != wantType || !strings.HasPrefix(kp.PublicKey, "-----BEGIN PUBLIC KEY-----") {
				t.Fatalf("got key pair %q / %q, want %s", kp.PublicKey, kp.PrivateKey[:40], wantType)
			}
			got, ok := r.CertificateByDER(c.X509.Raw)
			if !ok || got.ID != c.ID {
				t.Fatalf("CertificateByDER: got %+v, %v", got, ok)
			}
		})
	}
}

func csrPEM(tb testing.TB, key any) string {
	tb.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "device-1"}}, key)
	must(tb, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func TestCreateCertificateFromCSR(t *testing.T) {
	r, _, _ := newRegistry(t)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	c, err := r.CreateCertificateFromCSR(csrPEM(t, ec), false)
	must(t, err)
	if c.Status != registry.StatusInactive || c.X509.Subject.CommonName != "device-1" {
		t.Fatalf("got %+v", c)
	}
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	ec224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	good := csrPEM(t, ec)
	tampered := []byte(good)
	tampered[len(tampered)/2] ^= 1
	tests := map[string]string{
		"empty":          "",
		"not PEM":        "hello",
		"certificate":    r2pem(t),
		"garbage block":  string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte("xx")})),
		"RSA 1024":       csrPEM(t, small),
		"P-224":          csrPEM(t, ec224),
		"tampered":       string(tampered),
		"over 4096 long": good + strings.Repeat(" ", 4097),
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := r.CreateCertificateFromCSR(in, true)
			wantCode(t, err, registry.InvalidRequest)
		})
	}
}

func r2pem(tb testing.TB) string {
	tb.Helper()
	return newTestCA(tb, t0).pemOf(tb, t0)
}

func TestRegisterCertificate(t *testing.T) {
	r, ca, _ := newRegistry(t)
	p := ca.pemOf(t, t0)
	c, err := r.RegisterCertificate(registry.RegisterCertificateInput{CertificatePEM: p, Status: registry.StatusActive})
	must(t, err)
	if c.CACertificateID != registry.CertificateID(ca.cert.Raw) || c.Mode != registry.ModeDefault || c.Status != registry.StatusActive {
		t.Fatalf("got %+v", c)
	}
	_, err = r.RegisterCertificate(registry.RegisterCertificateInput{CertificatePEM: p})
	wantCode(t, err, registry.ResourceAlreadyExists)
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}))
	c2, err := r.RegisterCertificate(registry.RegisterCertificateInput{CertificatePEM: ca.pemOf(t, t0), CACertificatePEM: caPEM})
	must(t, err)
	if c2.Status != registry.StatusInactive {
		t.Fatalf("default status: got %s, want INACTIVE", c2.Status)
	}
	foreign := newTestCA(t, t0)
	_, err = r.RegisterCertificate(registry.RegisterCertificateInput{CertificatePEM: foreign.pemOf(t, t0)})
	wantCode(t, err, registry.CertificateValidation)
	_, err = r.RegisterCertificate(registry.RegisterCertificateInput{CertificatePEM: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"})
	wantCode(t, err, registry.CertificateValidation)
	_, err = r.RegisterCertificate(registry.RegisterCertificateInput{CertificatePEM: p, Status: registry.StatusPendingTransfer})
	wantCode(t, err, registry.InvalidRequest)
	w, err := r.RegisterCertificateWithoutCA(foreign.pemOf(t, t0), "")
	must(t, err)
	if w.Mode != registry.ModeSNIOnly || w.CACertificateID != "" {
		t.Fatalf("without CA: got %+v", w)
	}
}

func TestCertificateStatusAndDelete(t *testing.T) {
	r, _, _ := newRegistry(t)
	c, _, err := r.CreateKeysAndCertificate(true)
	must(t, err)
	_, err = r.CreatePolicy("p", allowAll)
	must(t, err)
	must(t, r.AttachPolicy("p", c.ARN))
	_, err = r.CreateThing(registry.CreateThingInput{Name: "dev"})
	must(t, err)
	must(t, r.AttachThingPrincipal("dev", c.ARN, ""))

	wantCode(t, r.DeleteCertificate(c.ID, false), registry.CertificateState)
	must(t, r.UpdateCertificate(c.ID, registry.StatusInactive))
	wantCode(t, r.DeleteCertificate(c.ID, true), registry.DeleteConflict) // thing attached
	must(t, r.DetachThingPrincipal("dev", c.ARN))
	wantCode(t, r.DeleteCertificate(c.ID, false), registry.DeleteConflict) // policy attached
	must(t, r.DeleteCertificate(c.ID, true))                               // force detaches policies
	wantCode(t, r.DeleteCertificate(c.ID, false), registry.ResourceNotFound)
	if targets, _, _ := r.ListTargetsForPolicy("p", "", 0); len(targets) != 0 {
		t.Fatalf("targets after force delete: got %v, want none", targets)
	}

	c2, _, err := r.CreateKeysAndCertificate(false)
	must(t, err)
	wantCode(t, r.UpdateCertificate(c2.ID, "BOGUS"), registry.InvalidRequest)
	wantCode(t, r.UpdateCertificate(c2.ID, registry.StatusPendingActivation), registry.InvalidRequest)
	must(t, r.UpdateCertificate(c2.ID, registry.StatusRevoked))
	wantCode(t, r.UpdateCertificate(c2.ID, registry.StatusActive), registry.CertificateState)
	wantCode(t, r.UpdateCertificate("abc", registry.StatusActive), registry.InvalidRequest)
	wantCode(t, r.UpdateCertificate(strings.Repeat("0", 64), registry.StatusActive), registry.ResourceNotFound)
}

func TestListCertificatesOrder(t *testing.T) {
	r, _, _ := newRegistry(t)
	var ids []string
	for range 5 {
		c, _, err := r.CreateKeysAndCertificate(false)
		must(t, err)
		ids = append(ids, c.ID)
	}
	for _, asc := range []bool{true, false} {
		var got []string
		marker := ""
		for {
			page, next, err := r.ListCertificates(marker, 2, asc)
			must(t, err)
			for _, c := range page {
				got = append(got, c.ID)
			}
			if next == "" {
				break
			}
			marker = next
		}
		for i := range ids {
			want := ids[i]
			if !asc {
				want = ids[len(ids)-1-i]
			}
			if got[i] != want {
				t.Fatalf("ascending=%v: got %v, want %v (reversed unless ascending)", asc, got, ids)
			}
		}
	}
}
