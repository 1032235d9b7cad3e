package registry_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"testing"

	"github.com/iotemu/iotemu/registry"
)

// issuePEM issues a certificate with that common name from ca.
func (ca *testCA) issuePEM(tb testing.TB, cn string) (string, *x509.Certificate) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(tb, err)
	der, err := ca.Issue(&key.PublicKey, pkix.Name{CommonName: cn}, t0)
	must(tb, err)
	c, err := x509.ParseCertificate(der)
	must(tb, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), c
}

func caPEM(ca *testCA) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}))
}

func TestRegisterCACertificate(t *testing.T) {
	r, _, _ := newRegistry(t)
	ca := newTestCA(t, t0)
	code := r.GetRegistrationCode()
	if len(code) != 64 || r.GetRegistrationCode() != code {
		t.Fatalf("registration code %q not stable 64 hex", code)
	}
	wrongCN, _ := ca.issuePEM(t, "not-the-code")
	_, err := r.RegisterCACertificate(registry.RegisterCACertificateInput{CACertificatePEM: caPEM(ca), VerificationCertificatePEM: wrongCN})
	wantCode(t, err, registry.RegistrationCodeValidation)
	other := newTestCA(t, t0)
	wrongSigner, _ := other.issuePEM(t, code)
	_, err = r.RegisterCACertificate(registry.RegisterCACertificateInput{CACertificatePEM: caPEM(ca), VerificationCertificatePEM: wrongSigner})
	wantCode(t, err, registry.CertificateValidation)
	_, err = r.RegisterCACertificate(registry.RegisterCACertificateInput{CACertificatePEM: caPEM(ca)})
	wantCode(t, err, registry.InvalidRequest)
	_, err = r.RegisterCACertificate(registry.RegisterCACertificateInput{CACertificatePEM: "garbage", VerificationCertificatePEM: wrongCN})
	wantCode(t, err, registry.CertificateValidation)
	leaf, _ := ca.issuePEM(t, "leaf")
	_, err = r.RegisterCACertificate(registry.RegisterCACertificateInput{CACertificatePEM: leaf, Mode: registry.ModeSNIOnly})
	wantCode(t, err, registry.CertificateValidation) // not a CA

	verification, _ := ca.issuePEM(t, code)
	c, err := r.RegisterCACertificate(registry.RegisterCACertificateInput{CACertificatePEM: caPEM(ca), VerificationCertificatePEM: verification})
	must(t, err)
	if c.Status != registry.CAStatusInactive || c.AutoRegistrationStatus != registry.AutoRegDisable || c.ID != registry.CertificateID(ca.cert.Raw) ||
		c.ARN != "arn:aws:iot:eu-west-1:111122223333:cacert/"+c.ID || c.Mode != registry.ModeDefault {
		t.Fatalf("got %+v", c)
	}
	_, err = r.RegisterCACertificate(registry.RegisterCACertificateInput{CACertificatePEM: caPEM(ca), VerificationCertificatePEM: verification})
	wantCode(t, err, registry.ResourceAlreadyExists)
	if trusted, _ := r.TrustedCAs(); len(trusted) != 0 {
		t.Fatalf("an INACTIVE CA is trusted: %d", len(trusted))
	}

	must(t, r.UpdateCACertificate(registry.UpdateCACertificateInput{ID: c.ID, NewStatus: "ACTIVE", NewAutoRegistrationStatus: "ENABLE",
		RegistrationConfig: &registry.RegistrationConfig{TemplateName: "jitp"}}))
	wantCode(t, r.UpdateCACertificate(registry.UpdateCACertificateInput{ID: c.ID, NewStatus: "REGISTER_INACTIVE"}), registry.InvalidRequest)
	got, err := r.DescribeCACertificate(c.ID)
	must(t, err)
	if got.Status != "ACTIVE" || got.AutoRegistrationStatus != "ENABLE" || got.RegistrationConfig == nil || got.RegistrationConfig.TemplateName != "jitp" {
		t.Fatalf("after update: %+v", got)
	}
	if list, _, _ := r.ListCACertificates("", 0, false, "jitp"); len(list) != 1 {
		t.Fatalf("by template: %d", len(list))
	}
	if trusted, _ := r.TrustedCAs(); len(trusted) != 1 {
		t.Fatalf("the ACTIVE CA is not trusted: %d", len(trusted))
	}
	must(t, r.UpdateCACertificate(registry.UpdateCACertificateInput{ID: c.ID, RemoveAutoRegistration: true}))
	if got, _ := r.DescribeCACertificate(c.ID); got.RegistrationConfig != nil {
		t.Fatalf("removeAutoRegistration kept %+v", got.RegistrationConfig)
	}

	// Device certificates: RegisterCertificate and JITR.
	devPEM, _ := ca.issuePEM(t, "dev-1")
	dev, err := r.RegisterCertificate(registry.RegisterCertificateInput{CertificatePEM: devPEM, CACertificatePEM: caPEM(ca)})
	must(t, err)
	if dev.CACertificateID != c.ID || dev.Status != registry.StatusInactive {
		t.Fatalf("device certificate %+v", dev)
	}
	_, jitr := ca.issuePEM(t, "dev-2")
	reg, ok := r.AutoRegister(jitr)
	if !ok || !reg.New || reg.Certificate.Status != registry.StatusPendingActivation || reg.CA.ID != c.ID {
		t.Fatalf("AutoRegister: %+v %v", reg, ok)
	}
	if reg, ok = r.AutoRegister(jitr); !ok || reg.New {
		t.Fatalf("second AutoRegister: %+v %v", reg, ok)
	}
	must(t, r.UpdateCertificate(reg.Certificate.ID, registry.StatusActive))
	if _, ok = r.AutoRegister(jitr); ok {
		t.Fatal("an ACTIVE certificate went through JITR")
	}
	list, _, err := r.ListCertificatesByCA(c.ID, "", 0, true)
	must(t, err)
	if len(list) != 2 || list[0].ID != dev.ID || list[1].ID != reg.Certificate.ID {
		t.Fatalf("ListCertificatesByCA: %+v", list)
	}

	wantCode(t, r.DeleteCACertificate(c.ID), registry.CertificateState)
	must(t, r.UpdateCACertificate(registry.UpdateCACertificateInput{ID: c.ID, NewStatus: "INACTIVE"}))
	_, inactive := ca.issuePEM(t, "dev-3")
	if _, ok := r.AutoRegister(inactive); ok {
		t.Fatal("an INACTIVE CA auto-registered a certificate")
	}
	must(t, r.DeleteCACertificate(c.ID))
	if _, err := r.DescribeCACertificate(c.ID); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}

	r.DeleteRegistrationCode()
	if r.GetRegistrationCode() == code {
		t.Fatal("DeleteRegistrationCode kept the code")
	}
}

func TestRegisterCACertificateSNIOnly(t *testing.T) {
	r, _, _ := newRegistry(t)
	ca := newTestCA(t, t0)
	v, _ := ca.issuePEM(t, r.GetRegistrationCode())
	_, err := r.RegisterCACertificate(registry.RegisterCACertificateInput{CACertificatePEM: caPEM(ca), VerificationCertificatePEM: v, Mode: registry.ModeSNIOnly})
	wantCode(t, err, registry.InvalidRequest)
	c, err := r.RegisterCACertificate(registry.RegisterCACertificateInput{CACertificatePEM: caPEM(ca), Mode: registry.ModeSNIOnly, SetAsActive: true, AllowAutoRegistration: true})
	must(t, err)
	if c.Mode != registry.ModeSNIOnly || c.Status != "ACTIVE" || c.AutoRegistrationStatus != "ENABLE" {
		t.Fatalf("got %+v", c)
	}
	devPEM, _ := ca.issuePEM(t, "dev")
	dev, err := r.RegisterCertificate(registry.RegisterCertificateInput{CertificatePEM: devPEM})
	must(t, err)
	if dev.Mode != registry.ModeSNIOnly || dev.CACertificateID != c.ID {
		t.Fatalf("device certificate %+v", dev)
	}
}
