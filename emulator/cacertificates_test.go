package emulator_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/testkit"
)

// testCA is a CA made in the test, as a customer's own CA.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string
}

func newCA(t *testing.T, cn string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn, Organization: []string{"test"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}

func (ca *testCA) id() string {
	sum := sha256.Sum256(ca.cert.Raw)
	return hex.EncodeToString(sum[:])
}

// issue returns a certificate with that common name signed by the CA: its
// PEM, its ID and the TLS certificate (with key) of a device.
func (ca *testCA) issue(t *testing.T, cn string) (string, string, tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), hex.EncodeToString(sum[:]),
		tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// registerCA registers ca with its verification certificate.
func registerCA(t *testing.T, c *iot.Client, ca *testCA, active, auto bool) string {
	t.Helper()
	ctx := context.Background()
	code, err := c.GetRegistrationCode(ctx, &iot.GetRegistrationCodeInput{})
	if err != nil {
		t.Fatal(err)
	}
	verification, _, _ := ca.issue(t, aws.ToString(code.RegistrationCode))
	out, err := c.RegisterCACertificate(ctx, &iot.RegisterCACertificateInput{
		CaCertificate: aws.String(ca.pem), VerificationCertificate: aws.String(verification),
		SetAsActive: active, AllowAutoRegistration: auto,
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.CertificateId)
}

// tryConnect connects a paho client over mTLS and reports the error.
func tryConnect(t *testing.T, emu *testkit.Emulator, clientID string, cert tls.Certificate) (paho.Client, error) {
	t.Helper()
	opts := paho.NewClientOptions().AddBroker(strings.Replace(emu.MQTTTLSURL(), "mqtts://", "tls://", 1)).SetClientID(clientID).
		SetTLSConfig(&tls.Config{RootCAs: emu.CAPool(), Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}).
		SetAutoReconnect(false).SetConnectRetry(false).SetConnectTimeout(5 * time.Second)
	c := paho.NewClient(opts)
	tok := c.Connect()
	if !tok.WaitTimeout(10 * time.Second) {
		t.Fatal("connect did not finish")
	}
	return c, tok.Error()
}

// TestCACertificatesSDK: the registration code, RegisterCACertificate with
// every bad verification certificate, the CA's description, update,
// listing and deletion with AWS's errors.
func TestCACertificatesSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	code, err := c.GetRegistrationCode(ctx, &iot.GetRegistrationCodeInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(aws.ToString(code.RegistrationCode)) {
		t.Fatalf("registration code %q", aws.ToString(code.RegistrationCode))
	}
	ca, other := newCA(t, "customer CA"), newCA(t, "other CA")
	wrongCN, _, _ := ca.issue(t, "not-the-code")
	_, err = c.RegisterCACertificate(ctx, &iot.RegisterCACertificateInput{CaCertificate: aws.String(ca.pem), VerificationCertificate: aws.String(wrongCN)})
	wantAPIError(t, err, "RegistrationCodeValidationException", 400)
	wrongSigner, _, _ := other.issue(t, aws.ToString(code.RegistrationCode))
	_, err = c.RegisterCACertificate(ctx, &iot.RegisterCACertificateInput{CaCertificate: aws.String(ca.pem), VerificationCertificate: aws.String(wrongSigner)})
	wantAPIError(t, err, "CertificateValidationException", 400)
	_, err = c.RegisterCACertificate(ctx, &iot.RegisterCACertificateInput{CaCertificate: aws.String("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), VerificationCertificate: aws.String(wrongSigner)})
	wantAPIError(t, err, "CertificateValidationException", 400)
	_, err = c.RegisterCACertificate(ctx, &iot.RegisterCACertificateInput{CaCertificate: aws.String(ca.pem), VerificationCertificate: aws.String(wrongSigner), CertificateMode: types.CertificateModeSniOnly})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = c.DescribeCACertificate(ctx, &iot.DescribeCACertificateInput{CertificateId: aws.String(ca.id())})
	wantAPIError(t, err, "ResourceNotFoundException", 404)

	id := registerCA(t, c, ca, false, false)
	if id != ca.id() {
		t.Fatalf("CA ID %s, want the SHA-256 of the DER %s", id, ca.id())
	}
	verification, _, _ := ca.issue(t, aws.ToString(code.RegistrationCode))
	_, err = c.RegisterCACertificate(ctx, &iot.RegisterCACertificateInput{CaCertificate: aws.String(ca.pem), VerificationCertificate: aws.String(verification)})
	wantAPIError(t, err, "ResourceAlreadyExistsException", 409)

	d, err := c.DescribeCACertificate(ctx, &iot.DescribeCACertificateInput{CertificateId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	cd := d.CertificateDescription
	if cd.Status != types.CACertificateStatusInactive || cd.AutoRegistrationStatus != types.AutoRegistrationStatusDisable ||
		aws.ToString(cd.CertificateArn) != "arn:aws:iot:us-east-1:123456789012:cacert/"+id || cd.CertificateMode != types.CertificateModeDefault ||
		aws.ToString(cd.OwnedBy) != "123456789012" || aws.ToString(cd.CertificatePem) != ca.pem || cd.Validity == nil || d.RegistrationConfig != nil {
		t.Fatalf("DescribeCACertificate: %+v", cd)
	}
	_, err = c.UpdateCACertificate(ctx, &iot.UpdateCACertificateInput{CertificateId: aws.String(id), NewStatus: types.CACertificateStatusActive,
		NewAutoRegistrationStatus: types.AutoRegistrationStatusEnable,
		RegistrationConfig:        &types.RegistrationConfig{TemplateName: aws.String("jitp-template")}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ = c.DescribeCACertificate(ctx, &iot.DescribeCACertificateInput{CertificateId: aws.String(id)})
	if d.CertificateDescription.Status != types.CACertificateStatusActive || d.CertificateDescription.AutoRegistrationStatus != types.AutoRegistrationStatusEnable ||
		d.RegistrationConfig == nil || aws.ToString(d.RegistrationConfig.TemplateName) != "jitp-template" {
		t.Fatalf("after update: %+v %+v", d.CertificateDescription, d.RegistrationConfig)
	}
	_, err = c.UpdateCACertificate(ctx, &iot.UpdateCACertificateInput{CertificateId: aws.String(id), NewStatus: "REGISTER_INACTIVE"})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = c.UpdateCACertificate(ctx, &iot.UpdateCACertificateInput{CertificateId: aws.String(other.id()), NewStatus: types.CACertificateStatusActive})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	list, err := c.ListCACertificates(ctx, &iot.ListCACertificatesInput{TemplateName: aws.String("jitp-template")})
	if err != nil || len(list.Certificates) != 1 || aws.ToString(list.Certificates[0].CertificateId) != id {
		t.Fatalf("ListCACertificates: %+v %v", list, err)
	}

	// Device certificates under the CA.
	devPEM, devID, _ := ca.issue(t, "device-1")
	reg, err := c.RegisterCertificate(ctx, &iot.RegisterCertificateInput{CertificatePem: aws.String(devPEM), CaCertificatePem: aws.String(ca.pem)})
	if err != nil || aws.ToString(reg.CertificateId) != devID {
		t.Fatalf("RegisterCertificate: %+v %v", reg, err)
	}
	_, err = c.RegisterCertificate(ctx, &iot.RegisterCertificateInput{CertificatePem: aws.String(devPEM), CaCertificatePem: aws.String(ca.pem)})
	wantAPIError(t, err, "ResourceAlreadyExistsException", 409)
	strayPEM, _, _ := other.issue(t, "stray")
	_, err = c.RegisterCertificate(ctx, &iot.RegisterCertificateInput{CertificatePem: aws.String(strayPEM), CaCertificatePem: aws.String(other.pem)})
	wantAPIError(t, err, "CertificateValidationException", 400)
	byCA, err := c.ListCertificatesByCA(ctx, &iot.ListCertificatesByCAInput{CaCertificateId: aws.String(id)})
	if err != nil || len(byCA.Certificates) != 1 || aws.ToString(byCA.Certificates[0].CertificateId) != devID {
		t.Fatalf("ListCertificatesByCA: %+v %v", byCA, err)
	}
	dd, _ := c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String(devID)})
	if aws.ToString(dd.CertificateDescription.CaCertificateId) != id || dd.CertificateDescription.Status != types.CertificateStatusInactive {
		t.Fatalf("device certificate: %+v", dd.CertificateDescription)
	}

	_, err = c.DeleteCACertificate(ctx, &iot.DeleteCACertificateInput{CertificateId: aws.String(id)})
	wantAPIError(t, err, "CertificateStateException", 406)
	if _, err = c.UpdateCACertificate(ctx, &iot.UpdateCACertificateInput{CertificateId: aws.String(id), NewStatus: types.CACertificateStatusInactive}); err != nil {
		t.Fatal(err)
	}
	if _, err = c.DeleteCACertificate(ctx, &iot.DeleteCACertificateInput{CertificateId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeCACertificate(ctx, &iot.DescribeCACertificateInput{CertificateId: aws.String(id)})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	if _, err = c.DeleteRegistrationCode(ctx, &iot.DeleteRegistrationCodeInput{}); err != nil {
		t.Fatal(err)
	}
	again, _ := c.GetRegistrationCode(ctx, &iot.GetRegistrationCodeInput{})
	if aws.ToString(again.RegistrationCode) == aws.ToString(code.RegistrationCode) {
		t.Fatal("DeleteRegistrationCode kept the code")
	}
}

// TestCACertificatesAWSCLI: the AWS CLI's flow from AWS's guide
// (get-registration-code, register-ca-certificate with a verification
// certificate, describe), and its errors for a wrong verification
// certificate, an unknown CA and a CA registered twice.
func TestCACertificatesAWSCLI(t *testing.T) {
	awsCLI(t)
	t.Parallel()
	emu := testkit.Start(t)
	dir := t.TempDir()
	code, _ := cliJSON(t, emu, "iot", "get-registration-code")["registrationCode"].(string)
	ca := newCA(t, "cli CA")
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return "file://" + p
	}
	caFile := write("ca.pem", ca.pem)
	wrong, _, _ := ca.issue(t, "wrong")
	out, err := runAWS(t, emu, "iot", "register-ca-certificate", "--ca-certificate", caFile, "--verification-cert", write("wrong.pem", wrong))
	if err == nil || !strings.Contains(out, "RegistrationCodeValidationException") {
		t.Fatalf("wrong verification certificate: %v\n%s", err, out)
	}
	out, err = runAWS(t, emu, "iot", "describe-ca-certificate", "--certificate-id", ca.id())
	if err == nil || !strings.Contains(out, "ResourceNotFoundException") {
		t.Fatalf("unknown CA: %v\n%s", err, out)
	}
	verification, _, _ := ca.issue(t, code)
	vFile := write("verification.pem", verification)
	reg := cliJSON(t, emu, "iot", "register-ca-certificate", "--ca-certificate", caFile, "--verification-cert", vFile,
		"--set-as-active", "--allow-auto-registration")
	if reg["certificateId"] != ca.id() {
		t.Fatalf("register-ca-certificate: %v", reg)
	}
	out, err = runAWS(t, emu, "iot", "register-ca-certificate", "--ca-certificate", caFile, "--verification-cert", vFile)
	if err == nil || !strings.Contains(out, "ResourceAlreadyExistsException") {
		t.Fatalf("registered twice: %v\n%s", err, out)
	}
	d, _ := cliJSON(t, emu, "iot", "describe-ca-certificate", "--certificate-id", ca.id())["certificateDescription"].(map[string]any)
	if d["status"] != "ACTIVE" || d["autoRegistrationStatus"] != "ENABLE" {
		t.Fatalf("describe-ca-certificate: %v", d)
	}
	cliJSON(t, emu, "iot", "update-ca-certificate", "--certificate-id", ca.id(), "--new-status", "INACTIVE")
	list, _ := cliJSON(t, emu, "iot", "list-ca-certificates")["certificates"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["status"] != "INACTIVE" {
		t.Fatalf("list-ca-certificates: %v", list)
	}
	cliJSON(t, emu, "iot", "delete-ca-certificate", "--certificate-id", ca.id())
}

// TestJITR: a device certificate signed by a CA registered ACTIVE with
// auto-registration connects over mTLS (strict mode): its connection is
// closed, the certificate is registered PENDING_ACTIVATION under the CA
// and $aws/events/certificates/registered/{caId} carries AWS's JSON; a
// second attempt is refused again with the event again; once the
// certificate is ACTIVE with a policy, the next connection gets in. A CA
// set INACTIVE registers no new certificate.
func TestJITR(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithStrictAuth(cliCredential))
	bys := strictBystander(t, emu)
	c, ctx := iotClient(emu), context.Background()
	ca := newCA(t, "jitr CA")
	caID := registerCA(t, c, ca, true, true)
	rec := record(t, emu, "$aws/events/certificates/registered/+")
	_, devID, dev := ca.issue(t, "jitr-device")

	start := time.Now().UnixMilli()
	if cl, err := tryConnect(t, emu, "jitr-device", dev); err == nil {
		cl.Disconnect(0)
		t.Fatal("the first connection of a just-registered certificate was accepted")
	}
	msgs := rec.waitFor(t, "$aws/events/certificates/registered/"+caID)
	ev := msgs[len(msgs)-1]
	var got map[string]any
	if err := json.Unmarshal(ev.Payload, &got); err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`"(\w+)":`).FindAllStringSubmatch(string(ev.Payload), -1)
	order := make([]string, 0, len(keys))
	for _, k := range keys {
		order = append(order, k[1])
	}
	if strings.Join(order, ",") != "certificateId,caCertificateId,timestamp,certificateStatus,awsAccountId,certificateRegistrationTimestamp" {
		t.Fatalf("event members %v: %s", order, ev.Payload)
	}
	ts, _ := got["timestamp"].(float64)
	regTS, _ := got["certificateRegistrationTimestamp"].(string)
	if got["certificateId"] != devID || got["caCertificateId"] != caID || got["certificateStatus"] != "PENDING_ACTIVATION" ||
		got["awsAccountId"] != "123456789012" || int64(ts) < start || !regexp.MustCompile(`^\d{13}$`).MatchString(regTS) {
		t.Fatalf("event: %s", ev.Payload)
	}
	d, err := c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String(devID)})
	if err != nil {
		t.Fatal(err)
	}
	if d.CertificateDescription.Status != types.CertificateStatusPendingActivation || aws.ToString(d.CertificateDescription.CaCertificateId) != caID {
		t.Fatalf("registered certificate: %+v", d.CertificateDescription)
	}
	byCA, _ := c.ListCertificatesByCA(ctx, &iot.ListCertificatesByCAInput{CaCertificateId: aws.String(caID)})
	if len(byCA.Certificates) != 1 || aws.ToString(byCA.Certificates[0].CertificateId) != devID {
		t.Fatalf("ListCertificatesByCA: %+v", byCA.Certificates)
	}

	// Still PENDING_ACTIVATION: refused again, the event again.
	if cl, err := tryConnect(t, emu, "jitr-device", dev); err == nil {
		cl.Disconnect(0)
		t.Fatal("a PENDING_ACTIVATION certificate was accepted")
	}
	testkit.Eventually(t, wait, func() error {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if len(rec.msgs) < 2 {
			return errShort
		}
		return nil
	})
	bys.check(t)

	// What the JITR rule's Lambda does: activate, attach a policy.
	if _, err := c.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: aws.String(devID), NewStatus: types.CertificateStatusActive}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("jitr-policy"), PolicyDocument: aws.String(testkit.AllowAllPolicy)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("jitr-policy"), Target: d.CertificateDescription.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	cl, err := tryConnect(t, emu, "jitr-device", dev)
	if err != nil {
		t.Fatalf("the activated certificate was refused: %v", err)
	}
	got1 := make(chan string, 1)
	if tok := cl.Subscribe("jitr/hello", 1, func(_ paho.Client, m paho.Message) { got1 <- string(m.Payload()) }); !tok.WaitTimeout(wait) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	cl.Publish("jitr/hello", 1, false, "hi").WaitTimeout(wait)
	select {
	case m := <-got1:
		if m != "hi" {
			t.Fatalf("got %q", m)
		}
	case <-time.After(wait):
		t.Fatal("no message")
	}
	cl.Disconnect(0)

	// An INACTIVE CA registers nothing: the connection is refused as any
	// unknown certificate.
	if _, err := c.UpdateCACertificate(ctx, &iot.UpdateCACertificateInput{CertificateId: aws.String(caID), NewStatus: types.CACertificateStatusInactive}); err != nil {
		t.Fatal(err)
	}
	_, otherID, other := ca.issue(t, "late-device")
	if cl, err := tryConnect(t, emu, "late-device", other); err == nil {
		cl.Disconnect(0)
		t.Fatal("an unknown certificate of an INACTIVE CA was accepted")
	}
	_, err = c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String(otherID)})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	bys.check(t)
}

// TestRegisteredCATrust (permissive mode): the TLS listeners trust a CA
// from the moment it is registered ACTIVE, and no longer once it is
// INACTIVE; without auto-registration its certificates connect unregistered,
// as permissive mode lets any trusted client in.
func TestRegisteredCATrust(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	ca := newCA(t, "trusted later")
	_, _, dev := ca.issue(t, "dev")
	if cl, err := tryConnect(t, emu, "trust-1", dev); err == nil {
		cl.Disconnect(0)
		t.Fatal("a certificate of an unregistered CA passed the TLS handshake")
	}
	id := registerCA(t, c, ca, true, false)
	cl, err := tryConnect(t, emu, "trust-2", dev)
	if err != nil {
		t.Fatalf("a certificate of an ACTIVE registered CA was refused: %v", err)
	}
	cl.Disconnect(0)
	if _, err := c.UpdateCACertificate(ctx, &iot.UpdateCACertificateInput{CertificateId: aws.String(id), NewStatus: types.CACertificateStatusInactive}); err != nil {
		t.Fatal(err)
	}
	if cl, err := tryConnect(t, emu, "trust-3", dev); err == nil {
		cl.Disconnect(0)
		t.Fatal("a certificate of an INACTIVE CA passed the TLS handshake")
	}
	stillServing(t, emu)
}
