package emulator_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// assumePolicy lets a device connect as its thing and assume the role of
// the role alias "device-role".
const assumePolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iot:AssumeRoleWithCertificate","Resource":"arn:aws:iot:us-east-1:123456789012:rolealias/device-role",
  "Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}}]}`

type providerAnswer struct {
	status             int
	errorType, message string
	creds              struct{ AccessKeyID, SecretAccessKey, SessionToken, Expiration string }
}

// askCredentials sends the credentials request over TLS with tlsCfg to the
// HTTPS port.
func askCredentials(t *testing.T, emu *testkit.Emulator, tlsCfg *tls.Config, alias, thing string) providerAnswer {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsCfg}, Timeout: wait}
	defer client.CloseIdleConnections()
	req, err := http.NewRequest(http.MethodGet, emu.HTTPSEndpoint()+"/role-aliases/"+alias+"/credentials", nil)
	if err != nil {
		t.Fatal(err)
	}
	if thing != "" {
		req.Header.Set("x-amzn-iot-thingname", thing)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := providerAnswer{status: resp.StatusCode, errorType: resp.Header.Get("x-amzn-ErrorType")}
	var body struct {
		Message     string `json:"message"`
		Credentials *struct {
			AccessKeyID     string `json:"accessKeyId"`
			SecretAccessKey string `json:"secretAccessKey"`
			SessionToken    string `json:"sessionToken"`
			Expiration      string `json:"expiration"`
		} `json:"credentials"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("credentials answer %d %s: %v", resp.StatusCode, b, err)
	}
	a.message = body.Message
	if c := body.Credentials; c != nil {
		a.creds.AccessKeyID, a.creds.SecretAccessKey, a.creds.SessionToken, a.creds.Expiration = c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expiration
	}
	return a
}

// TestCredentialsProviderStrict: a device gets credentials over mutual TLS
// and signs an iot-data Publish with them (Go SDK), which strict mode
// accepts and delivers; the credentials expire after the role alias's
// credentialDurationSeconds; a certificate without
// iot:AssumeRoleWithCertificate, a thing not attached, an unknown
// certificate, no certificate and an unknown alias are refused with the
// provider's errors.
func TestCredentialsProviderStrict(t *testing.T) {
	t.Parallel()
	emu, clock := strictSigV4(t)
	api := iotClient(emu)
	ctx := context.Background()
	if _, err := api.CreateRoleAlias(ctx, &iot.CreateRoleAliasInput{RoleAlias: aws.String("device-role"),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/device"), CredentialDurationSeconds: aws.Int32(900)}); err != nil {
		t.Fatal(err)
	}
	d := emu.CreateDevice(t, "cam1", assumePolicy)
	watcher := emu.CreateDevice(t, "watcher", testkit.AllowAllPolicy)
	inbox := emu.Connect(t, "watcher", emu.AsDevice(watcher)).Subscribe(t, "cam1/upload", 1)

	got := askCredentials(t, emu, d.TLSConfig, "device-role", "cam1")
	if got.status != http.StatusOK || !strings.HasPrefix(got.creds.AccessKeyID, "ASIA") || got.creds.SecretAccessKey == "" || got.creds.SessionToken == "" {
		t.Fatalf("credentials %+v", got)
	}
	exp, err := time.Parse(time.RFC3339, got.creds.Expiration)
	if err != nil || exp.Sub(clock.now()) > 900*time.Second || exp.Sub(clock.now()) < 890*time.Second {
		t.Errorf("expiration %q (%v), want 900 s from now", got.creds.Expiration, err)
	}
	data := iotdataplane.New(iotdataplane.Options{BaseEndpoint: aws.String(emu.Endpoint()), Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(got.creds.AccessKeyID, got.creds.SecretAccessKey, got.creds.SessionToken)})
	if _, err := data.Publish(ctx, &iotdataplane.PublishInput{Topic: aws.String("cam1/upload"), Qos: 1, Payload: []byte("frame")}); err != nil {
		t.Fatalf("Publish signed with the provider's credentials: %v", err)
	}
	if m := inbox.Next(t, wait); string(m.Payload) != "frame" {
		t.Fatalf("delivered %q", m.Payload)
	}
	issued := emulator.Credential{AccessKeyID: got.creds.AccessKeyID, SecretAccessKey: got.creds.SecretAccessKey, SessionToken: got.creds.SessionToken}
	if status, _, body := signedRequest(t, emu, http.MethodPost, "/topics/cam1/upload?qos=0", "x", issued, clock.now()); status != http.StatusOK {
		t.Fatalf("signed by hand before expiry: %d %s", status, body)
	}
	clock.advance(901 * time.Second)
	if status, typ, _ := signedRequest(t, emu, http.MethodPost, "/topics/cam1/upload?qos=0", "x", issued, clock.now()); status != http.StatusForbidden || typ == "" {
		t.Errorf("after credentialDurationSeconds: %d %s, want 403", status, typ)
	}
	clock.advance(-901 * time.Second)

	denied := func(name string, a providerAnswer, status int, typ, msg string) {
		t.Helper()
		if a.status != status || a.errorType != typ || a.message != msg || a.creds.AccessKeyID != "" {
			t.Errorf("%s: %d %s %q, want %d %s %q", name, a.status, a.errorType, a.message, status, typ, msg)
		}
	}
	noAssume := emu.CreateDevice(t, "cam2", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}`)
	denied("no iot:AssumeRoleWithCertificate", askCredentials(t, emu, noAssume.TLSConfig, "device-role", "cam2"), 403, "AccessDeniedException", "Access Denied")
	denied("thing not attached", askCredentials(t, emu, d.TLSConfig, "device-role", "cam2"), 403, "AccessDeniedException", "Access Denied")
	stranger := emu.TLSConfig(t, "stranger")
	denied("unknown certificate", askCredentials(t, emu, stranger, "device-role", ""), 403, "AccessDeniedException", "Certificate is invalid on this endpoint")
	denied("no certificate", askCredentials(t, emu, &tls.Config{RootCAs: emu.CAPool(), MinVersion: tls.VersionTLS12}, "device-role", ""), 403, "AccessDeniedException", "Certificate is invalid on this endpoint")
	denied("unknown alias", askCredentials(t, emu, d.TLSConfig, "nope", "cam1"), 404, "ResourceNotFoundException", "Role alias does not exist")
	if _, err := api.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: aws.String(d.CertificateID), NewStatus: types.CertificateStatusInactive}); err != nil {
		t.Fatal(err)
	}
	denied("inactive certificate", askCredentials(t, emu, d.TLSConfig, "device-role", "cam1"), 403, "AccessDeniedException", "Certificate is invalid on this endpoint")
}

// TestCredentialsProviderPermissive: in permissive mode any client
// certificate gets credentials; none still gets 403.
func TestCredentialsProviderPermissive(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	if _, err := emu.Registry().CreateRoleAlias("r", "arn:aws:iam::123456789012:role/r", 0); err != nil {
		t.Fatal(err)
	}
	got := askCredentials(t, emu, emu.TLSConfig(t, "anyone"), "r", "")
	if got.status != http.StatusOK || got.creds.AccessKeyID == "" {
		t.Fatalf("permissive %+v", got)
	}
	exp, _ := time.Parse(time.RFC3339, got.creds.Expiration)
	if d := time.Until(exp); d > time.Hour || d < 59*time.Minute {
		t.Errorf("default duration: expires in %v, want 3600 s", d)
	}
	if a := askCredentials(t, emu, &tls.Config{RootCAs: emu.CAPool(), MinVersion: tls.VersionTLS12}, "r", ""); a.status != http.StatusForbidden {
		t.Errorf("no certificate: %d", a.status)
	}
}

// TestRoleAliasesSDK: create (tags, default duration), describe, list
// pages, update, delete, DescribeEndpoint iot:CredentialProvider, and the
// errors.
func TestRoleAliasesSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	api := iotClient(emu)
	ctx := context.Background()
	made, err := api.CreateRoleAlias(ctx, &iot.CreateRoleAliasInput{RoleAlias: aws.String("a1"), RoleArn: aws.String("arn:aws:iam::123456789012:role/r1"),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	if err != nil || aws.ToString(made.RoleAliasArn) != arnPrefix+"rolealias/a1" {
		t.Fatalf("create %+v %v", made, err)
	}
	tags, err := api.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: made.RoleAliasArn})
	if err != nil || len(tags.Tags) != 1 {
		t.Errorf("tags %+v %v", tags, err)
	}
	desc, err := api.DescribeRoleAlias(ctx, &iot.DescribeRoleAliasInput{RoleAlias: aws.String("a1")})
	if err != nil {
		t.Fatal(err)
	}
	rd := desc.RoleAliasDescription
	if aws.ToInt32(rd.CredentialDurationSeconds) != 3600 || aws.ToString(rd.Owner) != "123456789012" || aws.ToString(rd.RoleArn) != "arn:aws:iam::123456789012:role/r1" ||
		rd.CreationDate == nil || rd.LastModifiedDate == nil {
		t.Errorf("describe %+v", rd)
	}
	if _, err := api.CreateRoleAlias(ctx, &iot.CreateRoleAliasInput{RoleAlias: aws.String("a2"), RoleArn: aws.String("arn:aws:iam::123456789012:role/r2")}); err != nil {
		t.Fatal(err)
	}
	p1, err := api.ListRoleAliases(ctx, &iot.ListRoleAliasesInput{PageSize: aws.Int32(1), AscendingOrder: true})
	if err != nil || len(p1.RoleAliases) != 1 || p1.RoleAliases[0] != "a1" || p1.NextMarker == nil {
		t.Fatalf("page 1 %+v %v", p1, err)
	}
	p2, err := api.ListRoleAliases(ctx, &iot.ListRoleAliasesInput{PageSize: aws.Int32(1), AscendingOrder: true, Marker: p1.NextMarker})
	if err != nil || len(p2.RoleAliases) != 1 || p2.RoleAliases[0] != "a2" || p2.NextMarker != nil {
		t.Fatalf("page 2 %+v %v", p2, err)
	}
	if _, err := api.UpdateRoleAlias(ctx, &iot.UpdateRoleAliasInput{RoleAlias: aws.String("a1"), CredentialDurationSeconds: aws.Int32(43200)}); err != nil {
		t.Fatal(err)
	}
	desc, err = api.DescribeRoleAlias(ctx, &iot.DescribeRoleAliasInput{RoleAlias: aws.String("a1")})
	if err != nil || aws.ToInt32(desc.RoleAliasDescription.CredentialDurationSeconds) != 43200 {
		t.Errorf("after update %+v %v", desc, err)
	}
	ep, err := api.DescribeEndpoint(ctx, &iot.DescribeEndpointInput{EndpointType: aws.String("iot:CredentialProvider")})
	if err != nil || aws.ToString(ep.EndpointAddress) == "" {
		t.Errorf("DescribeEndpoint iot:CredentialProvider %+v %v", ep, err)
	}

	_, err = api.CreateRoleAlias(ctx, &iot.CreateRoleAliasInput{RoleAlias: aws.String("a1"), RoleArn: aws.String("arn:aws:iam::123456789012:role/r1")})
	wantAPIError(t, err, "ResourceAlreadyExistsException", 409)
	_, err = api.CreateRoleAlias(ctx, &iot.CreateRoleAliasInput{RoleAlias: aws.String("a3"), RoleArn: aws.String("arn:aws:iam::123456789012:role/r1"), CredentialDurationSeconds: aws.Int32(60)})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = api.CreateRoleAlias(ctx, &iot.CreateRoleAliasInput{RoleAlias: aws.String("a/b"), RoleArn: aws.String("arn:aws:iam::123456789012:role/r1")})
	if err == nil {
		t.Error("alias with a slash accepted")
	}
	_, err = api.CreateRoleAlias(ctx, &iot.CreateRoleAliasInput{RoleAlias: aws.String("a4"), RoleArn: aws.String("not-a-role-arn-at-all")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = api.DescribeRoleAlias(ctx, &iot.DescribeRoleAliasInput{RoleAlias: aws.String("missing")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = api.UpdateRoleAlias(ctx, &iot.UpdateRoleAliasInput{RoleAlias: aws.String("missing"), CredentialDurationSeconds: aws.Int32(900)})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	if status, typ, _ := rawRequest(t, emu, "POST", "/role-aliases/x", `{"roleArn":`, nil); status != 400 || typ == "" {
		t.Errorf("malformed body: %d %s", status, typ)
	}
	if _, err := api.DeleteRoleAlias(ctx, &iot.DeleteRoleAliasInput{RoleAlias: aws.String("a1")}); err != nil {
		t.Fatal(err)
	}
	_, err = api.DeleteRoleAlias(ctx, &iot.DeleteRoleAliasInput{RoleAlias: aws.String("a1")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = api.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: made.RoleAliasArn})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
}

// TestRoleAliasesAWSCLI drives the role alias commands with the AWS CLI.
func TestRoleAliasesAWSCLI(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	cli := func(args ...string) map[string]any { t.Helper(); return cliJSON(t, emu, args...) }
	made := cli("iot", "create-role-alias", "--role-alias", "cli-alias", "--role-arn", "arn:aws:iam::123456789012:role/cli", "--credential-duration-seconds", "1800")
	if made["roleAliasArn"] != arnPrefix+"rolealias/cli-alias" {
		t.Errorf("create %v", made)
	}
	cli("iot", "update-role-alias", "--role-alias", "cli-alias", "--role-arn", "arn:aws:iam::123456789012:role/cli2")
	desc, _ := cli("iot", "describe-role-alias", "--role-alias", "cli-alias")["roleAliasDescription"].(map[string]any)
	if desc["roleArn"] != "arn:aws:iam::123456789012:role/cli2" || desc["credentialDurationSeconds"] != float64(1800) {
		t.Errorf("describe %v", desc)
	}
	if got := cli("iot", "list-role-aliases"); len(anyStrings(got["roleAliases"])) != 1 {
		t.Errorf("list %v", got)
	}
	if got := cli("iot", "describe-endpoint", "--endpoint-type", "iot:CredentialProvider"); got["endpointAddress"] == "" {
		t.Errorf("describe-endpoint %v", got)
	}
	cli("iot", "delete-role-alias", "--role-alias", "cli-alias")
	if out, err := runAWS(t, emu, "iot", "describe-role-alias", "--role-alias", "cli-alias"); err == nil || !strings.Contains(out, "ResourceNotFoundException") {
		t.Errorf("after delete: %v %s", err, out)
	}
}
