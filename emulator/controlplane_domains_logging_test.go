package emulator_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotemu/iotemu/testkit"
)

// TestDomainConfigurationsSDK: create (AWS-managed and customer-managed,
// with tags), describe (and a reserved endpoint), list by service type with
// pages, update (status, authorizer, TLS policy), delete, and the errors.
func TestDomainConfigurationsSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	api := iotClient(emu)
	ctx := context.Background()

	made, err := api.CreateDomainConfiguration(ctx, &iot.CreateDomainConfigurationInput{
		DomainConfigurationName: aws.String("managed"),
		Tags:                    []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
		AuthorizerConfig:        &types.AuthorizerConfig{DefaultAuthorizerName: aws.String("auth"), AllowAuthorizerOverride: aws.Bool(true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^arn:aws:iot:us-east-1:123456789012:domainconfiguration/managed/[a-zA-Z]{5}$`).MatchString(aws.ToString(made.DomainConfigurationArn)) {
		t.Errorf("ARN %s", aws.ToString(made.DomainConfigurationArn))
	}
	tags, err := api.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: made.DomainConfigurationArn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" {
		t.Errorf("tags %+v %v", tags, err)
	}
	d, err := api.DescribeDomainConfiguration(ctx, &iot.DescribeDomainConfigurationInput{DomainConfigurationName: aws.String("managed")})
	if err != nil {
		t.Fatal(err)
	}
	if d.DomainType != types.DomainTypeAwsManaged || !strings.HasSuffix(aws.ToString(d.DomainName), "-ats.iot.us-east-1.amazonaws.com") ||
		d.DomainConfigurationStatus != types.DomainConfigurationStatusEnabled || d.ServiceType != types.ServiceTypeData ||
		aws.ToString(d.AuthorizerConfig.DefaultAuthorizerName) != "auth" || d.LastStatusChangeDate == nil || d.TlsConfig == nil {
		t.Errorf("describe %+v", d)
	}
	if _, err := api.CreateDomainConfiguration(ctx, &iot.CreateDomainConfigurationInput{
		DomainConfigurationName: aws.String("custom"), DomainName: aws.String("iot.example.com"),
		ServerCertificateArns: []string{"arn:aws:acm:us-east-1:123456789012:certificate/abc"}, ServiceType: types.ServiceTypeJobs,
	}); err != nil {
		t.Fatal(err)
	}
	c, err := api.DescribeDomainConfiguration(ctx, &iot.DescribeDomainConfigurationInput{DomainConfigurationName: aws.String("custom")})
	if err != nil || c.DomainType != types.DomainTypeCustomerManaged || aws.ToString(c.DomainName) != "iot.example.com" ||
		len(c.ServerCertificates) != 1 || c.ServerCertificates[0].ServerCertificateStatus != types.ServerCertificateStatusValid {
		t.Errorf("customer managed %+v %v", c, err)
	}
	ats, err := api.DescribeDomainConfiguration(ctx, &iot.DescribeDomainConfigurationInput{DomainConfigurationName: aws.String("iot:Data-ATS")})
	if err != nil || ats.DomainType != types.DomainTypeEndpoint || aws.ToString(ats.DomainName) == "" {
		t.Errorf("iot:Data-ATS %+v %v", ats, err)
	}

	jobs, err := api.ListDomainConfigurations(ctx, &iot.ListDomainConfigurationsInput{ServiceType: types.ServiceTypeJobs})
	if err != nil || len(jobs.DomainConfigurations) != 1 || aws.ToString(jobs.DomainConfigurations[0].DomainConfigurationName) != "custom" {
		t.Errorf("list JOBS %+v %v", jobs, err)
	}
	p1, err := api.ListDomainConfigurations(ctx, &iot.ListDomainConfigurationsInput{PageSize: aws.Int32(1)})
	if err != nil || len(p1.DomainConfigurations) != 1 || p1.NextMarker == nil {
		t.Fatalf("page 1 %+v %v", p1, err)
	}
	p2, err := api.ListDomainConfigurations(ctx, &iot.ListDomainConfigurationsInput{PageSize: aws.Int32(1), Marker: p1.NextMarker})
	if err != nil || len(p2.DomainConfigurations) != 1 || p2.NextMarker != nil {
		t.Fatalf("page 2 %+v %v", p2, err)
	}

	if _, err := api.UpdateDomainConfiguration(ctx, &iot.UpdateDomainConfigurationInput{
		DomainConfigurationName: aws.String("managed"), DomainConfigurationStatus: types.DomainConfigurationStatusDisabled,
		RemoveAuthorizerConfig: true, TlsConfig: &types.TlsConfig{SecurityPolicy: aws.String("IoTSecurityPolicy_TLS13_1_3_2022_10")},
	}); err != nil {
		t.Fatal(err)
	}
	d, err = api.DescribeDomainConfiguration(ctx, &iot.DescribeDomainConfigurationInput{DomainConfigurationName: aws.String("managed")})
	if err != nil || d.DomainConfigurationStatus != types.DomainConfigurationStatusDisabled || d.AuthorizerConfig != nil ||
		aws.ToString(d.TlsConfig.SecurityPolicy) != "IoTSecurityPolicy_TLS13_1_3_2022_10" {
		t.Errorf("after update %+v %v", d, err)
	}

	_, err = api.CreateDomainConfiguration(ctx, &iot.CreateDomainConfigurationInput{DomainConfigurationName: aws.String("managed")})
	wantAPIError(t, err, "ResourceAlreadyExistsException", 409)
	_, err = api.CreateDomainConfiguration(ctx, &iot.CreateDomainConfigurationInput{DomainConfigurationName: aws.String("bad name")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = api.CreateDomainConfiguration(ctx, &iot.CreateDomainConfigurationInput{DomainConfigurationName: aws.String("x"), ServiceType: "VIDEO"})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = api.DescribeDomainConfiguration(ctx, &iot.DescribeDomainConfigurationInput{DomainConfigurationName: aws.String("missing")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = api.UpdateDomainConfiguration(ctx, &iot.UpdateDomainConfigurationInput{DomainConfigurationName: aws.String("missing"), DomainConfigurationStatus: types.DomainConfigurationStatusEnabled})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = api.UpdateDomainConfiguration(ctx, &iot.UpdateDomainConfigurationInput{DomainConfigurationName: aws.String("managed"), DomainConfigurationStatus: "PAUSED"})
	wantAPIError(t, err, "InvalidRequestException", 400)
	if status, typ, _ := rawRequest(t, emu, "POST", "/domainConfigurations/x", `{"domainName":`, nil); status != 400 || typ == "" {
		t.Errorf("malformed body: %d %s", status, typ)
	}

	if _, err := api.DeleteDomainConfiguration(ctx, &iot.DeleteDomainConfigurationInput{DomainConfigurationName: aws.String("managed")}); err != nil {
		t.Fatal(err)
	}
	_, err = api.DeleteDomainConfiguration(ctx, &iot.DeleteDomainConfigurationInput{DomainConfigurationName: aws.String("managed")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = api.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: made.DomainConfigurationArn})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
}

// TestLoggingOptionsSDK: the v2 options round trip (NotConfigured first),
// per-target levels set, listed by type, deleted; the v1 options; errors.
func TestLoggingOptionsSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	api := iotClient(emu)
	ctx := context.Background()

	_, err := api.GetV2LoggingOptions(ctx, &iot.GetV2LoggingOptionsInput{})
	wantAPIError(t, err, "NotConfiguredException", 404)
	_, err = api.SetV2LoggingLevel(ctx, &iot.SetV2LoggingLevelInput{LogLevel: types.LogLevelDebug,
		LogTarget: &types.LogTarget{TargetType: types.LogTargetTypeClientId, TargetName: aws.String("c1")}})
	wantAPIError(t, err, "NotConfiguredException", 404)

	role := "arn:aws:iam::123456789012:role/service-role/iotLoggingRole"
	if _, err := api.SetV2LoggingOptions(ctx, &iot.SetV2LoggingOptionsInput{RoleArn: aws.String(role), DefaultLogLevel: types.LogLevelWarn}); err != nil {
		t.Fatal(err)
	}
	got, err := api.GetV2LoggingOptions(ctx, &iot.GetV2LoggingOptionsInput{})
	if err != nil || aws.ToString(got.RoleArn) != role || got.DefaultLogLevel != types.LogLevelWarn || got.DisableAllLogs {
		t.Errorf("GetV2LoggingOptions %+v %v", got, err)
	}
	for _, tgt := range []types.LogTarget{
		{TargetType: types.LogTargetTypeClientId, TargetName: aws.String("c1")},
		{TargetType: types.LogTargetTypeThingGroup, TargetName: aws.String("g1")},
		{TargetType: types.LogTargetTypeClientId, TargetName: aws.String("c2")},
	} {
		if _, err := api.SetV2LoggingLevel(ctx, &iot.SetV2LoggingLevelInput{LogLevel: types.LogLevelDebug, LogTarget: &tgt}); err != nil {
			t.Fatal(err)
		}
	}
	clients, err := api.ListV2LoggingLevels(ctx, &iot.ListV2LoggingLevelsInput{TargetType: types.LogTargetTypeClientId})
	if err != nil || len(clients.LogTargetConfigurations) != 2 || clients.LogTargetConfigurations[0].LogLevel != types.LogLevelDebug {
		t.Errorf("ListV2LoggingLevels CLIENT_ID %+v %v", clients, err)
	}
	if _, err := api.DeleteV2LoggingLevel(ctx, &iot.DeleteV2LoggingLevelInput{TargetType: types.LogTargetTypeClientId, TargetName: aws.String("c1")}); err != nil {
		t.Fatal(err)
	}
	all, err := api.ListV2LoggingLevels(ctx, &iot.ListV2LoggingLevelsInput{})
	if err != nil || len(all.LogTargetConfigurations) != 2 {
		t.Errorf("after delete %+v %v", all, err)
	}
	_, err = api.SetV2LoggingLevel(ctx, &iot.SetV2LoggingLevelInput{LogLevel: "LOUD", LogTarget: &types.LogTarget{TargetType: types.LogTargetTypeClientId, TargetName: aws.String("c")}})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = api.SetV2LoggingOptions(ctx, &iot.SetV2LoggingOptionsInput{DefaultLogLevel: "LOUD"})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = api.ListV2LoggingLevels(ctx, &iot.ListV2LoggingLevelsInput{TargetType: "TOPIC"})
	wantAPIError(t, err, "InvalidRequestException", 400)

	v1, err := api.GetLoggingOptions(ctx, &iot.GetLoggingOptionsInput{})
	if err != nil || v1.RoleArn != nil {
		t.Errorf("GetLoggingOptions before set %+v %v", v1, err)
	}
	if _, err := api.SetLoggingOptions(ctx, &iot.SetLoggingOptionsInput{LoggingOptionsPayload: &types.LoggingOptionsPayload{RoleArn: aws.String(role), LogLevel: types.LogLevelInfo}}); err != nil {
		t.Fatal(err)
	}
	v1, err = api.GetLoggingOptions(ctx, &iot.GetLoggingOptionsInput{})
	if err != nil || aws.ToString(v1.RoleArn) != role || v1.LogLevel != types.LogLevelInfo {
		t.Errorf("GetLoggingOptions %+v %v", v1, err)
	}
	if status, typ, _ := rawRequest(t, emu, "POST", "/loggingOptions", `{"logLevel":"INFO"}`, nil); status != 400 || !strings.HasPrefix(typ, "InvalidRequestException") {
		t.Errorf("v1 without roleArn: %d %s", status, typ)
	}
}

// TestDomainsAndLoggingAWSCLI drives the commands with the AWS CLI.
func TestDomainsAndLoggingAWSCLI(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	cli := func(args ...string) map[string]any { t.Helper(); return cliJSON(t, emu, args...) }
	made := cli("iot", "create-domain-configuration", "--domain-configuration-name", "cli-domain", "--service-type", "DATA")
	if !strings.Contains(made["domainConfigurationArn"].(string), ":domainconfiguration/cli-domain/") {
		t.Errorf("create %v", made)
	}
	cli("iot", "update-domain-configuration", "--domain-configuration-name", "cli-domain", "--domain-configuration-status", "DISABLED")
	if got := cli("iot", "describe-domain-configuration", "--domain-configuration-name", "cli-domain"); got["domainConfigurationStatus"] != "DISABLED" {
		t.Errorf("describe %v", got)
	}
	if got := cli("iot", "list-domain-configurations"); len(got["domainConfigurations"].([]any)) != 1 {
		t.Errorf("list %v", got)
	}
	cli("iot", "delete-domain-configuration", "--domain-configuration-name", "cli-domain")

	cli("iot", "set-v2-logging-options", "--role-arn", "arn:aws:iam::123456789012:role/log", "--default-log-level", "INFO")
	if got := cli("iot", "get-v2-logging-options"); got["defaultLogLevel"] != "INFO" || got["disableAllLogs"] != false {
		t.Errorf("get-v2-logging-options %v", got)
	}
	cli("iot", "set-v2-logging-level", "--log-target", "targetType=THING_GROUP,targetName=g", "--log-level", "ERROR")
	if got := cli("iot", "list-v2-logging-levels"); len(got["logTargetConfigurations"].([]any)) != 1 {
		t.Errorf("list-v2-logging-levels %v", got)
	}
	cli("iot", "delete-v2-logging-level", "--target-type", "THING_GROUP", "--target-name", "g")
	cli("iot", "set-logging-options", "--logging-options-payload", "roleArn=arn:aws:iam::123456789012:role/log,logLevel=WARN")
	if got := cli("iot", "get-logging-options"); got["logLevel"] != "WARN" {
		t.Errorf("get-logging-options %v", got)
	}
	if out, err := runAWS(t, emu, "iot", "describe-domain-configuration", "--domain-configuration-name", "nope"); err == nil || !strings.Contains(out, "ResourceNotFoundException") {
		t.Errorf("missing domain: %v %s", err, out)
	}
}
