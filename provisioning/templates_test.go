package provisioning_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/provisioning"
)

func TestTemplateVersions(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	out, err := f.svc.CreateProvisioningTemplate(ctx, provisioning.CreateProvisioningTemplateInput{
		TemplateName: "t1", TemplateBody: fleetTemplate, ProvisioningRoleArn: roleARN,
	})
	if err != nil || out.DefaultVersionID != 1 || out.TemplateArn != "arn:aws:iot:us-east-1:123456789012:provisioningtemplate/t1" {
		t.Fatalf("%+v %v", out, err)
	}
	d, _ := f.svc.DescribeProvisioningTemplate(ctx, "t1")
	if d.Enabled || d.Type != provisioning.TypeFleetProvisioning || d.TemplateBody != fleetTemplate {
		t.Fatalf("describe %+v", d) // enabled defaults to false (UNCONFIRMED)
	}
	if _, err := f.svc.CreateProvisioningTemplate(ctx, provisioning.CreateProvisioningTemplateInput{
		TemplateName: "t1", TemplateBody: fleetTemplate, ProvisioningRoleArn: roleARN,
	}); !errors.Is(err, provisioning.ErrAlreadyExists) {
		t.Fatalf("duplicate: %v", err)
	}
	v2, err := f.svc.CreateProvisioningTemplateVersion(ctx, provisioning.CreateProvisioningTemplateVersionInput{TemplateName: "t1", TemplateBody: fleetTemplate})
	if err != nil || v2.VersionID != 2 || v2.IsDefaultVersion {
		t.Fatalf("v2 %+v %v", v2, err)
	}
	v3, _ := f.svc.CreateProvisioningTemplateVersion(ctx, provisioning.CreateProvisioningTemplateVersionInput{TemplateName: "t1", TemplateBody: fleetTemplate, SetAsDefault: true})
	if !v3.IsDefaultVersion {
		t.Fatalf("v3 %+v", v3)
	}
	l, _ := f.svc.ListProvisioningTemplateVersions(ctx, provisioning.ListVersionsInput{TemplateName: "t1"})
	defaults := 0
	for _, v := range l.Versions {
		if v.IsDefaultVersion {
			defaults++
		}
	}
	if len(l.Versions) != 3 || defaults != 1 || !l.Versions[2].IsDefaultVersion {
		t.Fatalf("versions %+v", l.Versions)
	}
	err = f.svc.DeleteProvisioningTemplateVersion(ctx, provisioning.VersionInput{TemplateName: "t1", VersionID: "3"})
	if e := provisioning.AsError(err); e.Code != provisioning.DeleteConflict {
		t.Fatalf("delete default: %v", err)
	}
	if err := f.svc.DeleteProvisioningTemplateVersion(ctx, provisioning.VersionInput{TemplateName: "t1", VersionID: "1"}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		_, _ = f.svc.CreateProvisioningTemplateVersion(ctx, provisioning.CreateProvisioningTemplateVersionInput{TemplateName: "t1", TemplateBody: fleetTemplate})
	}
	_, err = f.svc.CreateProvisioningTemplateVersion(ctx, provisioning.CreateProvisioningTemplateVersionInput{TemplateName: "t1", TemplateBody: fleetTemplate})
	if e := provisioning.AsError(err); e.Code != provisioning.VersionsLimitExceeded {
		t.Fatalf("sixth version: %v", err)
	}
	one := 2
	if err := f.svc.UpdateProvisioningTemplate(ctx, provisioning.UpdateProvisioningTemplateInput{TemplateName: "t1", DefaultVersionID: &one}); err != nil {
		t.Fatal(err)
	}
	if d, _ := f.svc.DescribeProvisioningTemplate(ctx, "t1"); d.DefaultVersionID != 2 {
		t.Fatalf("default %d", d.DefaultVersionID)
	}
	if err := f.svc.DeleteProvisioningTemplate(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DescribeProvisioningTemplate(ctx, "t1"); !errors.Is(err, provisioning.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestTemplateValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		in   provisioning.CreateProvisioningTemplateInput
		msg  string
	}{
		{"bad name", provisioning.CreateProvisioningTemplateInput{TemplateName: "a.b", TemplateBody: fleetTemplate, ProvisioningRoleArn: roleARN},
			"at 'templateName' failed to satisfy constraint"},
		{"long name", provisioning.CreateProvisioningTemplateInput{TemplateName: strings.Repeat("a", 37), TemplateBody: fleetTemplate, ProvisioningRoleArn: roleARN},
			"length between 1 and 36"},
		{"no role", provisioning.CreateProvisioningTemplateInput{TemplateName: "a", TemplateBody: fleetTemplate},
			"at 'provisioningRoleArn'"},
		{"malformed body", provisioning.CreateProvisioningTemplateInput{TemplateName: "a", TemplateBody: `{"Resources":`, ProvisioningRoleArn: roleARN},
			"The template body is not valid JSON"},
		{"no resources", provisioning.CreateProvisioningTemplateInput{TemplateName: "a", TemplateBody: `{}`, ProvisioningRoleArn: roleARN},
			"The template body has no Resources section"},
		{"unknown resource type", provisioning.CreateProvisioningTemplateInput{TemplateName: "a", TemplateBody: `{"Resources":{"x":{"Type":"AWS::S3::Bucket"}}}`, ProvisioningRoleArn: roleARN},
			`Resource x has the unsupported type "AWS::S3::Bucket"`},
		{"two things", provisioning.CreateProvisioningTemplateInput{TemplateName: "a", ProvisioningRoleArn: roleARN,
			TemplateBody: `{"Resources":{"x":{"Type":"AWS::IoT::Thing"},"y":{"Type":"AWS::IoT::Thing"}}}`},
			"more than one resource of type AWS::IoT::Thing"},
		{"oversized body", provisioning.CreateProvisioningTemplateInput{TemplateName: "a", TemplateBody: strings.Repeat(" ", 10241), ProvisioningRoleArn: roleARN},
			"Member must have length between 0 and 10240"},
		{"hook not lambda", provisioning.CreateProvisioningTemplateInput{TemplateName: "a", TemplateBody: fleetTemplate, ProvisioningRoleArn: roleARN,
			PreProvisioningHook: &provisioning.Hook{TargetArn: "arn:aws:sns:us-east-1:123456789012:topic"}},
			"is not a Lambda function ARN"},
		{"bad type", provisioning.CreateProvisioningTemplateInput{TemplateName: "a", TemplateBody: fleetTemplate, ProvisioningRoleArn: roleARN, Type: "X"},
			"enum value set: [JITP, FLEET_PROVISIONING]"},
	} {
		_, err := f.svc.CreateProvisioningTemplate(ctx, tc.in)
		e := provisioning.AsError(err)
		if e.Code != provisioning.InvalidRequest || !strings.Contains(e.Message, tc.msg) {
			t.Errorf("%s: %v, want InvalidRequestException %q", tc.name, err, tc.msg)
		}
	}
}
