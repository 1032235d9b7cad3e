package authz_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iotemu/iotemu/internal/authz"
	"github.com/iotemu/iotemu/internal/certs"
	"github.com/iotemu/iotemu/policy"
	"github.com/iotemu/iotemu/registry"
)

const (
	region  = "us-east-1"
	account = "123456789012"
	// pubOnly allows connecting as dev1 and publishing to dev1/*.
	pubOnly = `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/dev1"},` +
		`{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/dev1/*"}]}`
)

var at = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fixture is an authorizer over a real registry holding one registered
// certificate with pubOnly attached, and one SigV4 credential granted
// pubOnly.
type fixture struct {
	z    *authz.Authorizer
	reg  *registry.Registry
	cert registry.Certificate
	ca   *certs.Authority
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ca, err := certs.NewAuthority("test CA", at)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := registry.New(registry.Config{Region: region, AccountID: account, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	client, err := ca.IssueClient("dev1", at)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, _, err := certs.PEM(client)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := reg.RegisterCertificateWithoutCA(string(certPEM), registry.StatusActive)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.CreatePolicy("pubOnly", pubOnly); err != nil {
		t.Fatal(err)
	}
	if err := reg.AttachPolicy("pubOnly", cert.ARN); err != nil {
		t.Fatal(err)
	}
	z, err := authz.New(authz.Config{Region: region, AccountID: account, Now: func() time.Time { return at },
		Credentials: []authz.Credential{{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", Policies: []string{"pubOnly"}}},
	}, reg)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{z: z, reg: reg, cert: cert, ca: ca}
}

// connect is what an MQTT 3.1.1 client with the given certificate presents.
func connect(cert *registry.Certificate, clientID string) *authz.Presented {
	p := &authz.Presented{Transport: authz.TransportTLS, ClientID: clientID, SourceIP: "192.0.2.1",
		TLS: &authz.TLSInfo{ServerName: "localhost"}, MQTT: &authz.Connect{ProtocolVersion: 4, ClientID: clientID, CleanSession: true}}
	if cert != nil {
		p.Certificate = cert.X509
	}
	return p
}

// TestCertificateIdentity: a registered ACTIVE certificate connects with
// the policies attached to it, and they decide each action.
func TestCertificateIdentity(t *testing.T) {
	f := newFixture(t)
	conn, id, err := f.z.Connect(context.Background(), connect(&f.cert, "dev1"), nil)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if id.Principal != f.cert.ID || !id.Registered || conn.Identity() != id {
		t.Fatalf("identity: got principal %q registered %v", id.Principal, id.Registered)
	}
	if !conn.MayPublish("dev1/temp", false) {
		t.Error("Publish dev1/temp: denied, want allowed")
	}
	if conn.MayPublish("dev1/temp", true) {
		t.Error("retained Publish dev1/temp: allowed without iot:RetainPublish")
	}
	if conn.MayPublish("dev2/temp", false) || conn.MaySubscribe("dev1/#") || conn.MayReceive("dev1/temp") {
		t.Error("an action pubOnly does not grant was allowed")
	}
}

// TestRefusedIdentity: an INACTIVE certificate, a certificate the
// registry does not know, a client ID iot:Connect does not allow and a
// client without credentials are refused with CONNACK 0x87 and 403
// ForbiddenException; only the registered principal's refusal publishes
// connect_failed.
func TestRefusedIdentity(t *testing.T) {
	f := newFixture(t)
	unknown, err := f.ca.IssueClient("stranger", at)
	if err != nil {
		t.Fatal(err)
	}
	stranger := &registry.Certificate{X509: mustParse(t, unknown.Certificate[0])}
	for _, tc := range []struct {
		name       string
		p          *authz.Presented
		deactivate bool
		report     bool
	}{
		{"client ID not allowed", connect(&f.cert, "dev2"), false, true},
		{"unknown certificate", connect(stranger, "dev1"), false, false},
		{"no credentials", connect(nil, "dev1"), false, false},
		{"inactive certificate", connect(&f.cert, "dev1"), true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.deactivate {
				if err := f.reg.UpdateCertificate(f.cert.ID, registry.StatusInactive); err != nil {
					t.Fatal(err)
				}
			}
			conn, id, err := f.z.Connect(context.Background(), tc.p, nil)
			var ae *authz.Error
			if conn != nil || !errors.As(err, &ae) {
				t.Fatalf("Connect: got %v, %v; want an *authz.Error", conn, err)
			}
			if ae.Connack != authz.ConnackNotAuthorized || ae.Status != http.StatusForbidden ||
				ae.Type != "ForbiddenException" || ae.Message != "Forbidden" {
				t.Errorf("refusal: got %+v", ae)
			}
			if _, report := f.z.ReportRefusal(id); report != tc.report {
				t.Errorf("connect_failed: got %v, want %v", report, tc.report)
			}
		})
	}
}

// TestSigV4Identity: an iot-data request signed by the AWS SDK's signer
// with a configured credential is that credential's identity, authorised
// by its policies; a wrong signature is AWS's SigV4 error.
func TestSigV4Identity(t *testing.T) {
	f := newFixture(t)
	sign := func(path, secret string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "https://localhost"+path, strings.NewReader("{}"))
		sum := sha256.Sum256([]byte("{}"))
		creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: secret}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "iotdata", region, at); err != nil {
			t.Fatal(err)
		}
		return r
	}
	authorize := func(r *http.Request) error {
		op, kind := f.z.Classify(r)
		if kind != authz.DataPlane {
			t.Fatalf("Classify %s: got kind %v, want DataPlane", r.URL.Path, kind)
		}
		return f.z.AuthorizeHTTP(context.Background(), r, []byte("{}"), op)
	}
	r := sign("/topics/dev1%2Ftemp", "secret")
	id, err := f.z.Resolve(context.Background(), authz.FromHTTP(authz.TransportHTTP, r, []byte("{}")))
	if err != nil || id.Principal != account+"/AKIDEXAMPLE" || !id.Registered {
		t.Fatalf("Resolve: got %+v, %v", id, err)
	}
	if err := authorize(r); err != nil {
		t.Errorf("Publish dev1/temp: %v", err)
	}
	if err := authorize(sign("/topics/dev2%2Ftemp", "secret")); err == nil {
		t.Error("Publish dev2/temp: allowed, want denied by policy")
	}
	err = authorize(sign("/topics/dev1%2Ftemp", "wrong"))
	var ae *authz.Error
	if !errors.As(err, &ae) || ae.Status != http.StatusForbidden || ae.Type != "InvalidSignatureException" {
		t.Errorf("wrong secret: got %v (%+v)", err, ae)
	}
	if allowed := (&authz.Identity{Policies: nil}).Allowed(policy.ActionPublish, "*", nil); allowed {
		t.Error("an identity without policies was allowed")
	}
}
