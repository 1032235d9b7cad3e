package emulator_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotemu/iotemu/testkit"
)

// TestCreateKeysAndCertificateSDK: AWS's RSA 2048 key pair (PKCS#1), a
// certificate signed by the emulator's CA whose ID is its SHA-256.
func TestCreateKeysAndCertificateSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	out, err := c.CreateKeysAndCertificate(ctx, &iot.CreateKeysAndCertificateInput{SetAsActive: true})
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(aws.ToString(out.CertificatePem)))
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(cert.Raw)
	if aws.ToString(out.CertificateId) != hex.EncodeToString(sum[:]) ||
		aws.ToString(out.CertificateArn) != "arn:aws:iot:us-east-1:123456789012:cert/"+hex.EncodeToString(sum[:]) {
		t.Fatalf("ID %s ARN %s, want the SHA-256 of the DER", aws.ToString(out.CertificateId), aws.ToString(out.CertificateArn))
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: emu.CAPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("not signed by the emulator's CA: %v", err)
	}
	if !strings.HasPrefix(aws.ToString(out.KeyPair.PrivateKey), "-----BEGIN RSA PRIVATE KEY-----") ||
		!strings.HasPrefix(aws.ToString(out.KeyPair.PublicKey), "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("key pair: %.40q / %.40q", aws.ToString(out.KeyPair.PrivateKey), aws.ToString(out.KeyPair.PublicKey))
	}
	d, err := c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: out.CertificateId})
	if err != nil {
		t.Fatal(err)
	}
	cd := d.CertificateDescription
	if cd.Status != types.CertificateStatusActive || cd.CertificateMode != types.CertificateModeDefault ||
		aws.ToString(cd.OwnedBy) != "123456789012" || cd.CreationDate == nil || cd.Validity == nil ||
		cd.Validity.NotAfter.Year() != 2049 || aws.ToString(cd.CertificatePem) != aws.ToString(out.CertificatePem) {
		t.Fatalf("DescribeCertificate: %+v", cd)
	}
}

// TestCertificatesSDK: CSR, RegisterCertificate(WithoutCA), status,
// list, delete with AWS's conflicts.
func TestCertificatesSDK(t *testing.T) {
	t.Parallel()
	emu := startFastKeys(t)
	c, ctx := iotClient(emu), context.Background()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "d1"}}, key)
	csr := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	fromCSR, err := c.CreateCertificateFromCsr(ctx, &iot.CreateCertificateFromCsrInput{CertificateSigningRequest: aws.String(csr)})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: fromCSR.CertificateId})
	if d.CertificateDescription.Status != types.CertificateStatusInactive {
		t.Fatalf("status without setAsActive: %s", d.CertificateDescription.Status)
	}
	// The same certificate cannot be registered twice; a certificate of
	// the emulator's CA registers with RegisterCertificate.
	_, err = c.RegisterCertificate(ctx, &iot.RegisterCertificateInput{CertificatePem: fromCSR.CertificatePem})
	wantAPIError(t, err, "ResourceAlreadyExistsException", 409)
	dev := emu.ClientCertificate(t, "dev")
	devPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: dev.Certificate[0]}))
	reg, err := c.RegisterCertificate(ctx, &iot.RegisterCertificateInput{CertificatePem: aws.String(devPEM), Status: types.CertificateStatusActive})
	if err != nil {
		t.Fatal(err)
	}
	d, _ = c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: reg.CertificateId})
	if d.CertificateDescription.Status != types.CertificateStatusActive || aws.ToString(d.CertificateDescription.CaCertificateId) == "" {
		t.Fatalf("registered: %+v", d.CertificateDescription)
	}
	foreign := selfSignedPEM(t)
	_, err = c.RegisterCertificate(ctx, &iot.RegisterCertificateInput{CertificatePem: aws.String(foreign)})
	wantAPIError(t, err, "CertificateValidationException", 400)
	noCA, err := c.RegisterCertificateWithoutCA(ctx, &iot.RegisterCertificateWithoutCAInput{CertificatePem: aws.String(foreign)})
	if err != nil {
		t.Fatal(err)
	}
	d, _ = c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: noCA.CertificateId})
	if d.CertificateDescription.CertificateMode != types.CertificateModeSniOnly {
		t.Fatalf("without CA: mode %s, want SNI_ONLY", d.CertificateDescription.CertificateMode)
	}

	l, err := c.ListCertificates(ctx, &iot.ListCertificatesInput{PageSize: aws.Int32(2), AscendingOrder: true})
	if err != nil || len(l.Certificates) != 2 || aws.ToString(l.Certificates[0].CertificateId) != aws.ToString(fromCSR.CertificateId) || l.NextMarker == nil {
		t.Fatalf("ListCertificates page 1: %+v, %v", l, err)
	}
	l, err = c.ListCertificates(ctx, &iot.ListCertificatesInput{PageSize: aws.Int32(2), AscendingOrder: true, Marker: l.NextMarker})
	if err != nil || len(l.Certificates) != 1 || aws.ToString(l.Certificates[0].CertificateId) != aws.ToString(noCA.CertificateId) || l.NextMarker != nil {
		t.Fatalf("ListCertificates page 2: %+v, %v", l, err)
	}

	_, err = c.DeleteCertificate(ctx, &iot.DeleteCertificateInput{CertificateId: reg.CertificateId})
	wantAPIError(t, err, "CertificateStateException", 406)
	if _, err := c.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: reg.CertificateId, NewStatus: types.CertificateStatusInactive}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAllPolicy)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("p"), Target: reg.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteCertificate(ctx, &iot.DeleteCertificateInput{CertificateId: reg.CertificateId})
	wantAPIError(t, err, "DeleteConflictException", 409)
	if _, err := c.DeleteCertificate(ctx, &iot.DeleteCertificateInput{CertificateId: reg.CertificateId, ForceDelete: true}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: reg.CertificateId})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
}

func selfSignedPEM(t *testing.T) string {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "self"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// TestCertificateHostileSDK: bad CSR, bad PEM, bad IDs and statuses.
func TestCertificateHostileSDK(t *testing.T) {
	t.Parallel()
	emu := startFastKeys(t)
	c, ctx := iotClient(emu), context.Background()
	for name, csr := range map[string]string{
		"not PEM":      "hello",
		"garbage DER":  "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
		"certificate":  selfSignedPEM(t),
		"over 4096":    strings.Repeat("A", 4097),
		"private key":  "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
		"empty string": "",
	} {
		t.Run("csr "+name, func(t *testing.T) {
			_, err := c.CreateCertificateFromCsr(ctx, &iot.CreateCertificateFromCsrInput{CertificateSigningRequest: aws.String(csr)})
			wantAPIError(t, err, "InvalidRequestException", 400)
		})
	}
	for name, p := range map[string]string{
		"not PEM":     "hello",
		"garbage DER": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	} {
		t.Run("pem "+name, func(t *testing.T) {
			_, err := c.RegisterCertificateWithoutCA(ctx, &iot.RegisterCertificateWithoutCAInput{CertificatePem: aws.String(p)})
			wantAPIError(t, err, "CertificateValidationException", 400)
		})
	}
	_, err := c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String("not-hex")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String(strings.Repeat("ab", 32))})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	out, err := c.CreateKeysAndCertificate(ctx, &iot.CreateKeysAndCertificateInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []types.CertificateStatus{"BOGUS", types.CertificateStatusPendingTransfer, types.CertificateStatusPendingActivation} {
		_, err = c.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: out.CertificateId, NewStatus: s})
		wantAPIError(t, err, "InvalidRequestException", 400)
	}
	if _, err := c.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: out.CertificateId, NewStatus: types.CertificateStatusRevoked}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: out.CertificateId, NewStatus: types.CertificateStatusActive})
	wantAPIError(t, err, "CertificateStateException", 406)
	_, err = c.ListCertificates(ctx, &iot.ListCertificatesInput{Marker: aws.String("!!")})
	wantAPIError(t, err, "InvalidRequestException", 400)
}
