package emulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/testkit"
)

// jitpTemplateBody is the guide's JITP template: the thing named from
// the certificate's common name, the certificate activated, and a policy
// letting the device connect as its thing and use things/<thing>/ only.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jit-provisioning.html#jit-provisioning-example-templatebody
const jitpTemplateBody = `{
 "Parameters": {"AWS::IoT::Certificate::CommonName": {"Type": "String"}, "AWS::IoT::Certificate::Id": {"Type": "String"}},
 "Resources": {
  "thing": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": {"Ref": "AWS::IoT::Certificate::CommonName"}, "AttributePayload": {"provisioned": "jitp"}}},
  "certificate": {"Type": "AWS::IoT::Certificate", "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}, "Status": "ACTIVE"}},
  "policy": {"Type": "AWS::IoT::Policy", "Properties": {"PolicyName": "SensorPolicy"}}
 }
}`

// registerJITPCA registers ca ACTIVE with auto-registration and a
// registrationConfig.
func registerJITPCA(t *testing.T, c *iot.Client, ca *testCA, rc *types.RegistrationConfig) string {
	t.Helper()
	ctx := context.Background()
	code, err := c.GetRegistrationCode(ctx, &iot.GetRegistrationCodeInput{})
	if err != nil {
		t.Fatal(err)
	}
	verification, _, _ := ca.issue(t, aws.ToString(code.RegistrationCode))
	out, err := c.RegisterCACertificate(ctx, &iot.RegisterCACertificateInput{
		CaCertificate: aws.String(ca.pem), VerificationCertificate: aws.String(verification),
		SetAsActive: true, AllowAutoRegistration: true, RegistrationConfig: rc,
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.CertificateId)
}

// TestJITP: a device certificate signed by a CA made in the test, whose
// registrationConfig holds a template, connects over mTLS in strict mode:
// the first connection is closed, the template provisions the thing, the
// policy and the certificate (ACTIVE); the next connection gets in as the
// thing and is refused what the policy forbids. A template by name whose
// parameter the certificate lacks provisions nothing.
func TestJITP(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithStrictAuth(cliCredential))
	c, ctx := iotClient(emu), context.Background()
	if _, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("SensorPolicy"), PolicyDocument: aws.String(testkit.ThingPolicy)}); err != nil {
		t.Fatal(err)
	}
	ca := newCA(t, "jitp CA")
	registerJITPCA(t, c, ca, &types.RegistrationConfig{TemplateBody: aws.String(jitpTemplateBody), RoleArn: aws.String("arn:aws:iam::123456789012:role/JITPRole")})
	_, devID, dev := ca.issue(t, "jitp-sensor-1")
	if cl, err := tryConnect(t, emu, "jitp-sensor-1", dev); err == nil {
		cl.Disconnect(0)
		t.Fatal("the first connection was accepted")
	}
	d, err := c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String(devID)})
	if err != nil || d.CertificateDescription.Status != types.CertificateStatusActive {
		t.Fatalf("certificate after JITP: %+v %v", d, err)
	}
	th, err := c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("jitp-sensor-1")})
	if err != nil || th.Attributes["provisioned"] != "jitp" {
		t.Fatalf("thing after JITP: %+v %v", th, err)
	}
	things, _ := c.ListPrincipalThings(ctx, &iot.ListPrincipalThingsInput{Principal: d.CertificateDescription.CertificateArn})
	if len(things.Things) != 1 || things.Things[0] != "jitp-sensor-1" {
		t.Fatalf("principal things %v", things.Things)
	}
	if cl, err := tryConnect(t, emu, "someone-else", dev); err == nil {
		cl.Disconnect(0)
		t.Fatal("the policy let the device connect under another client ID")
	}
	cl, err := tryConnect(t, emu, "jitp-sensor-1", dev)
	if err != nil {
		t.Fatalf("the provisioned certificate was refused: %v", err)
	}
	defer cl.Disconnect(0)
	got := make(chan string, 1)
	if tok := cl.Subscribe("things/jitp-sensor-1/hello", 1, func(_ paho.Client, m paho.Message) { got <- string(m.Payload()) }); !tok.WaitTimeout(wait) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	cl.Publish("things/jitp-sensor-1/hello", 1, false, "hi").WaitTimeout(wait)
	select {
	case m := <-got:
		if m != "hi" {
			t.Fatalf("got %q", m)
		}
	case <-time.After(wait):
		t.Fatal("no message")
	}

	// By template name, a parameter the certificate lacks: nothing is
	// provisioned, the certificate stays PENDING_ACTIVATION.
	if _, err := c.CreateProvisioningTemplate(ctx, &iot.CreateProvisioningTemplateInput{
		TemplateName: aws.String("jitp-country"), Type: types.TemplateTypeJitp, Enabled: aws.Bool(true),
		ProvisioningRoleArn: aws.String("arn:aws:iam::123456789012:role/JITPRole"),
		TemplateBody: aws.String(`{"Parameters": {"AWS::IoT::Certificate::Country": {"Type": "String"}, "AWS::IoT::Certificate::Id": {"Type": "String"}},
		  "Resources": {"thing": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": {"Ref": "AWS::IoT::Certificate::Country"}}},
		   "certificate": {"Type": "AWS::IoT::Certificate", "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}, "Status": "ACTIVE"}}}}`),
	}); err != nil {
		t.Fatal(err)
	}
	ca2 := newCA(t, "jitp CA by name")
	registerJITPCA(t, c, ca2, &types.RegistrationConfig{TemplateName: aws.String("jitp-country")})
	_, id2, dev2 := ca2.issue(t, "no-country")
	if cl, err := tryConnect(t, emu, "no-country", dev2); err == nil {
		cl.Disconnect(0)
		t.Fatal("the first connection was accepted")
	}
	d, err = c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String(id2)})
	if err != nil || d.CertificateDescription.Status != types.CertificateStatusPendingActivation {
		t.Fatalf("certificate after a failed JITP: %+v %v", d, err)
	}
	if l, _ := c.ListThings(ctx, &iot.ListThingsInput{}); len(l.Things) != 1 {
		t.Fatalf("things after a failed JITP: %d, want 1", len(l.Things))
	}
}
