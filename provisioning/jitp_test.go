package provisioning_test

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"

	"github.com/iotemu/iotemu/provisioning"
)

// jitpTemplate is the guide's JITP template.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jit-provisioning.html#jit-provisioning-example-templatebody
const jitpTemplate = `{
  "Parameters": {"AWS::IoT::Certificate::CommonName": {"Type": "String"}, "AWS::IoT::Certificate::Country": {"Type": "String"}, "AWS::IoT::Certificate::Id": {"Type": "String"}},
  "Resources": {
    "thing": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": {"Ref": "AWS::IoT::Certificate::CommonName"}, "AttributePayload": {"version": "v1", "country": {"Ref": "AWS::IoT::Certificate::Country"}}}},
    "certificate": {"Type": "AWS::IoT::Certificate", "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}, "Status": "ACTIVE"}},
    "policy": {"Type": "AWS::IoT::Policy", "Properties": {"PolicyDocument": "{ \"Version\": \"2012-10-17\", \"Statement\": [{ \"Effect\": \"Allow\", \"Action\":[\"iot:Publish\"], \"Resource\": [\"arn:aws:iot:us-east-1:123456789012:topic/foo/bar\"] }] }"}}
  }
}`

func TestJITP(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	cert := f.reg.add(provisioning.StatusPendingActivation)
	dev := &x509.Certificate{Subject: pkix.Name{CommonName: "sensor-1", Country: []string{"US"}}}
	res, err := f.svc.ProvisionJITP(ctx, provisioning.JITPInput{TemplateBody: jitpTemplate, CertificateID: cert.ID, Certificate: dev})
	if err != nil {
		t.Fatal(err)
	}
	th := f.reg.things["sensor-1"]
	c, _, _ := f.reg.Certificate(ctx, cert.ID)
	if res.ThingName != "sensor-1" || th.Attributes["country"] != "US" || c.Status != provisioning.StatusActive || f.reg.thingOf[c.ARN] != "sensor-1" {
		t.Fatalf("res %+v thing %+v cert %+v", res, th, c)
	}
	// A certificate without Country: provisioning fails, the certificate
	// stays PENDING_ACTIVATION.
	other := f.reg.add(provisioning.StatusPendingActivation)
	_, err = f.svc.ProvisionJITP(ctx, provisioning.JITPInput{TemplateBody: jitpTemplate, CertificateID: other.ID,
		Certificate: &x509.Certificate{Subject: pkix.Name{CommonName: "sensor-2"}}})
	if e := provisioning.AsError(err); e.Message != "The certificate has no value for parameter AWS::IoT::Certificate::Country" {
		t.Fatalf("missing Country: %v", err)
	}
	if c, _, _ := f.reg.Certificate(ctx, other.ID); c.Status != provisioning.StatusPendingActivation {
		t.Fatalf("status %s", c.Status)
	}
	// By template name: the template must be of type JITP.
	f.createTemplate(t, "jitp", jitpTemplate, func(in *provisioning.CreateProvisioningTemplateInput) { in.Type = provisioning.TypeJITP })
	f.createTemplate(t, "fleet", fleetTemplate, nil)
	third := f.reg.add(provisioning.StatusPendingActivation)
	if _, err := f.svc.ProvisionJITP(ctx, provisioning.JITPInput{TemplateName: "jitp", CertificateID: third.ID, Certificate: dev}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ProvisionJITP(ctx, provisioning.JITPInput{TemplateName: "fleet", CertificateID: third.ID, Certificate: dev}); err == nil {
		t.Fatal("a FLEET_PROVISIONING template ran as JITP")
	}
}
