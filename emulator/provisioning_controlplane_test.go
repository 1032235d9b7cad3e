package emulator_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotemu/iotemu/testkit"
)

// TestProvisioningTemplatesSDK drives the provisioning control plane with
// the Go SDK v2: templates, versions, claims, RegisterThing, and their
// errors.
func TestProvisioningTemplatesSDK(t *testing.T) {
	t.Parallel()
	emu := startFastKeys(t)
	ctx := context.Background()
	c := iotClient(emu)
	created, err := c.CreateProvisioningTemplate(ctx, &iot.CreateProvisioningTemplateInput{
		TemplateName: aws.String("fleet"), TemplateBody: aws.String(fleetDeviceTemplate), Enabled: aws.Bool(true),
		ProvisioningRoleArn: aws.String("arn:aws:iam::123456789012:role/Provisioning"), Description: aws.String("sensors"),
		PreProvisioningHook: &types.ProvisioningHook{TargetArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:hook")},
		Tags:                []types.Tag{{Key: aws.String("team"), Value: aws.String("iot")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.TemplateArn) != "arn:aws:iot:us-east-1:123456789012:provisioningtemplate/fleet" || aws.ToInt32(created.DefaultVersionId) != 1 {
		t.Fatalf("created %+v", created)
	}
	d, err := c.DescribeProvisioningTemplate(ctx, &iot.DescribeProvisioningTemplateInput{TemplateName: aws.String("fleet")})
	if err != nil || !aws.ToBool(d.Enabled) || d.Type != types.TemplateTypeFleetProvisioning || aws.ToString(d.TemplateBody) != fleetDeviceTemplate ||
		aws.ToString(d.PreProvisioningHook.PayloadVersion) != "2020-04-01" || d.CreationDate == nil {
		t.Fatalf("describe %+v %v", d, err)
	}
	v, err := c.CreateProvisioningTemplateVersion(ctx, &iot.CreateProvisioningTemplateVersionInput{
		TemplateName: aws.String("fleet"), TemplateBody: aws.String(fleetDeviceTemplate), SetAsDefault: true})
	if err != nil || aws.ToInt32(v.VersionId) != 2 || !v.IsDefaultVersion {
		t.Fatalf("version %+v %v", v, err)
	}
	vs, _ := c.ListProvisioningTemplateVersions(ctx, &iot.ListProvisioningTemplateVersionsInput{TemplateName: aws.String("fleet")})
	if len(vs.Versions) != 2 || vs.Versions[0].IsDefaultVersion || !vs.Versions[1].IsDefaultVersion {
		t.Fatalf("versions %+v", vs.Versions)
	}
	dv, err := c.DescribeProvisioningTemplateVersion(ctx, &iot.DescribeProvisioningTemplateVersionInput{TemplateName: aws.String("fleet"), VersionId: aws.Int32(1)})
	if err != nil || dv.IsDefaultVersion {
		t.Fatalf("version 1 %+v %v", dv, err)
	}
	_, err = c.DeleteProvisioningTemplateVersion(ctx, &iot.DeleteProvisioningTemplateVersionInput{TemplateName: aws.String("fleet"), VersionId: aws.Int32(2)})
	wantAPIError(t, err, "DeleteConflictException", 409)
	if _, err := c.UpdateProvisioningTemplate(ctx, &iot.UpdateProvisioningTemplateInput{TemplateName: aws.String("fleet"),
		DefaultVersionId: aws.Int32(1), RemovePreProvisioningHook: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteProvisioningTemplateVersion(ctx, &iot.DeleteProvisioningTemplateVersionInput{TemplateName: aws.String("fleet"), VersionId: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	l, _ := c.ListProvisioningTemplates(ctx, &iot.ListProvisioningTemplatesInput{})
	if len(l.Templates) != 1 || aws.ToString(l.Templates[0].Description) != "sensors" {
		t.Fatalf("list %+v", l.Templates)
	}
	tags, err := c.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: created.TemplateArn})
	if err == nil && (len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team") {
		t.Fatalf("tags %+v", tags.Tags)
	}

	// Errors.
	_, err = c.DescribeProvisioningTemplate(ctx, &iot.DescribeProvisioningTemplateInput{TemplateName: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = c.CreateProvisioningTemplate(ctx, &iot.CreateProvisioningTemplateInput{TemplateName: aws.String("fleet"),
		TemplateBody: aws.String(fleetDeviceTemplate), ProvisioningRoleArn: aws.String("arn:aws:iam::123456789012:role/Provisioning")})
	wantAPIError(t, err, "ResourceAlreadyExistsException", 409)
	_, err = c.CreateProvisioningTemplate(ctx, &iot.CreateProvisioningTemplateInput{TemplateName: aws.String("bad"),
		TemplateBody: aws.String(`{"Resources": {`), ProvisioningRoleArn: aws.String("arn:aws:iam::123456789012:role/Provisioning")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = c.CreateProvisioningTemplate(ctx, &iot.CreateProvisioningTemplateInput{TemplateName: aws.String("big"),
		TemplateBody: aws.String(strings.Repeat(" ", 10241)), ProvisioningRoleArn: aws.String("arn:aws:iam::123456789012:role/Provisioning")})
	wantAPIError(t, err, "InvalidRequestException", 400)

	// A claim: a certificate that works for five minutes.
	claim, err := c.CreateProvisioningClaim(ctx, &iot.CreateProvisioningClaimInput{TemplateName: aws.String("fleet")})
	if err != nil || claim.KeyPair == nil || claim.Expiration == nil || len(aws.ToString(claim.CertificateId)) != 64 {
		t.Fatalf("claim %+v %v", claim, err)
	}
	_, err = c.CreateProvisioningClaim(ctx, &iot.CreateProvisioningClaimInput{TemplateName: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)

	// RegisterThing with a CSR parameter.
	if _, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("SensorPolicy"), PolicyDocument: aws.String(testkit.ThingPolicy)}); err != nil {
		t.Fatal(err)
	}
	body := `{"Parameters":{"ThingName":{"Type":"String"},"CSR":{"Type":"String"}},"Resources":{
	  "thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Ref":"ThingName"}}},
	  "certificate":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateSigningRequest":{"Ref":"CSR"},"Status":"ACTIVE"}},
	  "policy":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":"SensorPolicy"}}}}`
	reg, err := c.RegisterThing(ctx, &iot.RegisterThingInput{TemplateBody: aws.String(body),
		Parameters: map[string]string{"ThingName": "bulk-1", "CSR": testCSR(t, "bulk-1")}})
	if err != nil || !strings.HasPrefix(aws.ToString(reg.CertificatePem), "-----BEGIN CERTIFICATE-----") ||
		reg.ResourceArns["thing"] != "arn:aws:iot:us-east-1:123456789012:thing/bulk-1" || reg.ResourceArns["policy"] != "arn:aws:iot:us-east-1:123456789012:policy/SensorPolicy" {
		t.Fatalf("register thing %+v %v", reg, err)
	}
	_, err = c.RegisterThing(ctx, &iot.RegisterThingInput{TemplateBody: aws.String(body), Parameters: map[string]string{"ThingName": "bulk-2", "CSR": "junk"}})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = c.RegisterThing(ctx, &iot.RegisterThingInput{TemplateBody: aws.String(strings.Replace(body, `"PolicyName":"SensorPolicy"`, `"PolicyName":"Missing"`, 1)),
		Parameters: map[string]string{"ThingName": "bulk-3", "CSR": testCSR(t, "bulk-3")}})
	wantAPIError(t, err, "ResourceRegistrationFailureException", 400)

	if _, err := c.DeleteProvisioningTemplate(ctx, &iot.DeleteProvisioningTemplateInput{TemplateName: aws.String("fleet")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteProvisioningTemplate(ctx, &iot.DeleteProvisioningTemplateInput{TemplateName: aws.String("fleet")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
}

func testCSR(t *testing.T, cn string) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

// TestProvisioningTemplatesCLI: the AWS CLI's provisioning commands.
func TestProvisioningTemplatesCLI(t *testing.T) {
	t.Parallel()
	awsCLI(t)
	emu := startFastKeys(t)
	cli := func(args ...string) map[string]any { t.Helper(); return cliJSON(t, emu, args...) }
	out := cli("iot", "create-provisioning-template", "--template-name", "cli-fleet", "--enabled",
		"--provisioning-role-arn", "arn:aws:iam::123456789012:role/Provisioning", "--template-body", fleetDeviceTemplate)
	if out["templateArn"] != "arn:aws:iot:us-east-1:123456789012:provisioningtemplate/cli-fleet" || out["defaultVersionId"] != 1.0 {
		t.Fatalf("create: %v", out)
	}
	if d := cli("iot", "describe-provisioning-template", "--template-name", "cli-fleet"); d["enabled"] != true || d["type"] != "FLEET_PROVISIONING" {
		t.Fatalf("describe: %v", d)
	}
	cli("iot", "create-provisioning-template-version", "--template-name", "cli-fleet", "--template-body", fleetDeviceTemplate, "--set-as-default")
	vs := cli("iot", "list-provisioning-template-versions", "--template-name", "cli-fleet")["versions"].([]any)
	if len(vs) != 2 || vs[1].(map[string]any)["isDefaultVersion"] != true {
		t.Fatalf("versions: %v", vs)
	}
	if l := cli("iot", "list-provisioning-templates")["templates"].([]any); len(l) != 1 {
		t.Fatalf("list: %v", l)
	}
	claim := cli("iot", "create-provisioning-claim", "--template-name", "cli-fleet")
	if id, _ := claim["certificateId"].(string); len(id) != 64 {
		t.Fatalf("claim: %v", claim)
	}
	cli("iot", "update-provisioning-template", "--template-name", "cli-fleet", "--no-enabled")
	if d := cli("iot", "describe-provisioning-template", "--template-name", "cli-fleet"); d["enabled"] != false {
		t.Fatalf("after update: %v", d)
	}
	cli("iot", "delete-provisioning-template", "--template-name", "cli-fleet")
	if out, err := runAWS(t, emu, "iot", "describe-provisioning-template", "--template-name", "cli-fleet"); err == nil || !strings.Contains(out, "ResourceNotFoundException") {
		t.Fatalf("after delete: %v %s", err, out)
	}
}
