package emulator_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// TestPoliciesSDK: policies and their versions.
func TestPoliciesSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	p, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("dev"), PolicyDocument: aws.String(allowAllPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(p.PolicyArn) != "arn:aws:iot:us-east-1:123456789012:policy/dev" || aws.ToString(p.PolicyVersionId) != "1" ||
		aws.ToString(p.PolicyDocument) != allowAllPolicy {
		t.Fatalf("CreatePolicy: %+v", p)
	}
	_, err = c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("dev"), PolicyDocument: aws.String(allowAllPolicy)})
	wantAPIError(t, err, "ResourceAlreadyExistsException", 409)
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iot:Publish","Resource":"*"}]}`
	for i := 2; i <= 5; i++ {
		v, err := c.CreatePolicyVersion(ctx, &iot.CreatePolicyVersionInput{PolicyName: aws.String("dev"), PolicyDocument: aws.String(deny), SetAsDefault: i == 2})
		if err != nil {
			t.Fatal(err)
		}
		if v.IsDefaultVersion != (i == 2) {
			t.Fatalf("version %d: isDefaultVersion %v", i, v.IsDefaultVersion)
		}
	}
	_, err = c.CreatePolicyVersion(ctx, &iot.CreatePolicyVersionInput{PolicyName: aws.String("dev"), PolicyDocument: aws.String(deny)})
	wantAPIError(t, err, "VersionsLimitExceededException", 409)
	g, err := c.GetPolicy(ctx, &iot.GetPolicyInput{PolicyName: aws.String("dev")})
	if err != nil || aws.ToString(g.DefaultVersionId) != "2" || aws.ToString(g.PolicyDocument) != deny || g.CreationDate == nil || aws.ToString(g.GenerationId) == "" {
		t.Fatalf("GetPolicy: %+v, %v", g, err)
	}
	gv, err := c.GetPolicyVersion(ctx, &iot.GetPolicyVersionInput{PolicyName: aws.String("dev"), PolicyVersionId: aws.String("1")})
	if err != nil || gv.IsDefaultVersion || aws.ToString(gv.PolicyDocument) != allowAllPolicy {
		t.Fatalf("GetPolicyVersion: %+v, %v", gv, err)
	}
	if _, err := c.SetDefaultPolicyVersion(ctx, &iot.SetDefaultPolicyVersionInput{PolicyName: aws.String("dev"), PolicyVersionId: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeletePolicyVersion(ctx, &iot.DeletePolicyVersionInput{PolicyName: aws.String("dev"), PolicyVersionId: aws.String("1")})
	wantAPIError(t, err, "DeleteConflictException", 409)
	_, err = c.DeletePolicy(ctx, &iot.DeletePolicyInput{PolicyName: aws.String("dev")})
	wantAPIError(t, err, "DeleteConflictException", 409)
	lv, err := c.ListPolicyVersions(ctx, &iot.ListPolicyVersionsInput{PolicyName: aws.String("dev")})
	if err != nil || len(lv.PolicyVersions) != 5 {
		t.Fatalf("ListPolicyVersions: %+v, %v", lv, err)
	}
	for _, v := range lv.PolicyVersions {
		if v.IsDefaultVersion != (aws.ToString(v.VersionId) == "1") || v.CreateDate == nil {
			t.Fatalf("version %+v", v)
		}
		if !v.IsDefaultVersion {
			if _, err := c.DeletePolicyVersion(ctx, &iot.DeletePolicyVersionInput{PolicyName: aws.String("dev"), PolicyVersionId: v.VersionId}); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, err = c.GetPolicyVersion(ctx, &iot.GetPolicyVersionInput{PolicyName: aws.String("dev"), PolicyVersionId: aws.String("9")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	if _, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("second"), PolicyDocument: aws.String(allowAllPolicy)}); err != nil {
		t.Fatal(err)
	}
	lp, err := c.ListPolicies(ctx, &iot.ListPoliciesInput{AscendingOrder: true, PageSize: aws.Int32(1)})
	if err != nil || len(lp.Policies) != 1 || aws.ToString(lp.Policies[0].PolicyName) != "dev" || lp.NextMarker == nil {
		t.Fatalf("ListPolicies: %+v, %v", lp, err)
	}
	if _, err := c.DeletePolicy(ctx, &iot.DeletePolicyInput{PolicyName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPolicy(ctx, &iot.GetPolicyInput{PolicyName: aws.String("dev")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
}

// TestMalformedPolicySDK: the policy package's validation answers
// MalformedPolicyException; bad names are InvalidRequestException.
func TestMalformedPolicySDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	for name, doc := range map[string]string{
		"not JSON":     `{"Statement":`,
		"no statement": `{"Version":"2012-10-17"}`,
		"bad effect":   `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"iot:*","Resource":"*"}]}`,
		"too long":     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"` + strings.Repeat("a", 2100) + `"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
			wantAPIError(t, err, "MalformedPolicyException", 400)
		})
	}
	for _, n := range []string{"a b", "a/b", strings.Repeat("p", 129)} {
		_, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String(n), PolicyDocument: aws.String(allowAllPolicy)})
		wantAPIError(t, err, "InvalidRequestException", 400)
	}
}

// TestAttachmentsSDK: AttachPolicy/DetachPolicy, the legacy principal
// calls, the list calls and thing principals.
func TestAttachmentsSDK(t *testing.T) {
	t.Parallel()
	emu := startFastKeys(t)
	c, ctx := iotClient(emu), context.Background()
	cert, err := c.CreateKeysAndCertificate(ctx, &iot.CreateKeysAndCertificateInput{SetAsActive: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b"} {
		if _, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String(n), PolicyDocument: aws.String(allowAllPolicy)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("a"), Target: cert.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachPrincipalPolicy(ctx, &iot.AttachPrincipalPolicyInput{PolicyName: aws.String("b"), Principal: cert.CertificateArn}); err != nil { //nolint:staticcheck // the legacy principal-policy API, tested on purpose
		t.Fatal(err)
	}
	ap, err := c.ListAttachedPolicies(ctx, &iot.ListAttachedPoliciesInput{Target: cert.CertificateArn})
	if err != nil || len(ap.Policies) != 2 || aws.ToString(ap.Policies[1].PolicyArn) != "arn:aws:iot:us-east-1:123456789012:policy/b" {
		t.Fatalf("ListAttachedPolicies: %+v, %v", ap, err)
	}
	pp, err := c.ListPrincipalPolicies(ctx, &iot.ListPrincipalPoliciesInput{Principal: cert.CertificateArn}) //nolint:staticcheck // the legacy principal-policy API, tested on purpose
	if err != nil || len(pp.Policies) != 2 {
		t.Fatalf("ListPrincipalPolicies: %+v, %v", pp, err)
	}
	tp, err := c.ListTargetsForPolicy(ctx, &iot.ListTargetsForPolicyInput{PolicyName: aws.String("a")})
	if err != nil || len(tp.Targets) != 1 || tp.Targets[0] != aws.ToString(cert.CertificateArn) {
		t.Fatalf("ListTargetsForPolicy: %+v, %v", tp, err)
	}
	_, err = c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("nope"), Target: cert.CertificateArn})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("a"), Target: aws.String("bogus")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	if _, err := c.DetachPolicy(ctx, &iot.DetachPolicyInput{PolicyName: aws.String("a"), Target: cert.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DetachPrincipalPolicy(ctx, &iot.DetachPrincipalPolicyInput{PolicyName: aws.String("b"), Principal: cert.CertificateArn}); err != nil { //nolint:staticcheck // the legacy principal-policy API, tested on purpose
		t.Fatal(err)
	}
	if ap, _ := c.ListAttachedPolicies(ctx, &iot.ListAttachedPoliciesInput{Target: cert.CertificateArn}); len(ap.Policies) != 0 {
		t.Fatalf("after detach: %+v", ap.Policies)
	}

	if _, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("dev"), Principal: cert.CertificateArn,
		ThingPrincipalType: types.ThingPrincipalTypeExclusiveThing}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("other")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("other"), Principal: cert.CertificateArn})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("nope"), Principal: cert.CertificateArn})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	tps, err := c.ListThingPrincipals(ctx, &iot.ListThingPrincipalsInput{ThingName: aws.String("dev")})
	if err != nil || len(tps.Principals) != 1 || tps.Principals[0] != aws.ToString(cert.CertificateArn) {
		t.Fatalf("ListThingPrincipals: %+v, %v", tps, err)
	}
	pts, err := c.ListPrincipalThings(ctx, &iot.ListPrincipalThingsInput{Principal: cert.CertificateArn})
	if err != nil || len(pts.Things) != 1 || pts.Things[0] != "dev" {
		t.Fatalf("ListPrincipalThings: %+v, %v", pts, err)
	}
	_, err = c.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String("dev")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	if _, err := c.DetachThingPrincipal(ctx, &iot.DetachThingPrincipalInput{ThingName: aws.String("dev"), Principal: cert.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	if status, typ, _ := rawRequest(t, emu, "PUT", "/things/other/principals", "", nil); status != 400 || typ != "InvalidRequestException:" {
		t.Fatalf("missing x-amzn-principal: got %d %s", status, typ)
	}
}

// TestDescribeEndpointSDK: every endpoint type answers the advertised
// host; an unknown type is refused.
func TestDescribeEndpointSDK(t *testing.T) {
	for _, tt := range []struct{ host, want string }{{"", "localhost"}, {"iot.example:18883", "iot.example:18883"}} {
		emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) { c.AdvertisedHost = tt.host }))
		c, ctx := iotClient(emu), context.Background()
		for _, typ := range []string{"", "iot:Data-ATS", "iot:Data", "iot:CredentialProvider", "iot:Jobs"} {
			in := &iot.DescribeEndpointInput{}
			if typ != "" {
				in.EndpointType = aws.String(typ)
			}
			out, err := c.DescribeEndpoint(ctx, in)
			if err != nil || aws.ToString(out.EndpointAddress) != tt.want {
				t.Fatalf("%q: got %+v, %v, want %s", typ, out, err, tt.want)
			}
		}
		_, err := c.DescribeEndpoint(ctx, &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Nope")})
		wantAPIError(t, err, "InvalidRequestException", 400)
	}
}
