package emulator_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// TestDataDirKeepsRulesAndAuthorizers: topic rules (their actions as
// given, their disabled state), topic rule destinations, custom
// authorizers and the default one, tags and event configurations written
// with the SDK are there after a restart on the same directory.
func TestDataDirKeepsRulesAndAuthorizers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	emu := testkit.Start(t, testkit.WithDataDir(dir))
	c := iotClient(emu)
	if _, err := c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("fwd"), Tags: aws.String("team=iot"),
		TopicRulePayload: &types.TopicRulePayload{Sql: aws.String("SELECT temp FROM 'sensors/+'"), AwsIotSqlVersion: aws.String("2016-03-23"),
			Actions: []types.Action{{Republish: &types.RepublishAction{Topic: aws.String("out/${topic(2)}"), RoleArn: aws.String("arn:aws:iam::123456789012:role/r")}}},
			ErrorAction: &types.Action{Sqs: &types.SqsAction{QueueUrl: aws.String("https://sqs.us-east-1.amazonaws.com/123456789012/q"),
				RoleArn: aws.String("arn:aws:iam::123456789012:role/r")}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DisableTopicRule(ctx, &iot.DisableTopicRuleInput{RuleName: aws.String("fwd")}); err != nil {
		t.Fatal(err)
	}
	dst, err := c.CreateTopicRuleDestination(ctx, &iot.CreateTopicRuleDestinationInput{DestinationConfiguration: &types.TopicRuleDestinationConfiguration{
		VpcConfiguration: &types.VpcDestinationConfiguration{SubnetIds: []string{"subnet-1"}, VpcId: aws.String("vpc-1"),
			RoleArn: aws.String("arn:aws:iam::123456789012:role/r")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAuthorizer(ctx, &iot.CreateAuthorizerInput{AuthorizerName: aws.String("auth"),
		AuthorizerFunctionArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:auth"), SigningDisabled: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetDefaultAuthorizer(ctx, &iot.SetDefaultAuthorizerInput{AuthorizerName: aws.String("auth")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateEventConfigurations(ctx, &iot.UpdateEventConfigurationsInput{
		EventConfigurations: map[string]types.Configuration{"THING": {Enabled: true}}}); err != nil {
		t.Fatal(err)
	}
	before, err := c.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("fwd")})
	if err != nil {
		t.Fatal(err)
	}

	emu = restart(t, emu, dir)
	c = iotClient(emu)
	rule, err := c.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("fwd")})
	if err != nil {
		t.Fatal(err)
	}
	r := rule.Rule
	if !aws.ToBool(r.RuleDisabled) || aws.ToString(r.Sql) != "SELECT temp FROM 'sensors/+'" || len(r.Actions) != 1 ||
		r.Actions[0].Republish == nil || r.ErrorAction == nil || r.ErrorAction.Sqs == nil || !r.CreatedAt.Equal(*before.Rule.CreatedAt) {
		t.Fatalf("rule after restart: %+v", r)
	}
	tags, err := c.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: rule.RuleArn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "iot" {
		t.Fatalf("rule tags after restart: %v %+v", err, tags)
	}
	if got, err := c.GetTopicRuleDestination(ctx, &iot.GetTopicRuleDestinationInput{Arn: dst.TopicRuleDestination.Arn}); err != nil ||
		got.TopicRuleDestination.VpcProperties == nil {
		t.Fatalf("destination after restart: %v %+v", err, got)
	}
	def, err := c.DescribeDefaultAuthorizer(ctx, &iot.DescribeDefaultAuthorizerInput{})
	if err != nil || aws.ToString(def.AuthorizerDescription.AuthorizerName) != "auth" {
		t.Fatalf("default authorizer after restart: %v %+v", err, def)
	}
	ev, err := c.DescribeEventConfigurations(ctx, &iot.DescribeEventConfigurationsInput{})
	if err != nil || !ev.EventConfigurations["THING"].Enabled || ev.EventConfigurations["JOB"].Enabled {
		t.Fatalf("event configurations after restart: %v %+v", err, ev)
	}
}

// TestDataDirKeepsJobs: a job, its template and an execution moved to
// IN_PROGRESS by the device over MQTT (acknowledged by update/accepted)
// are there after a restart, and the device goes on from that version.
func TestDataDirKeepsJobs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	emu := testkit.Start(t, testkit.WithDataDir(dir), testkit.WithThing("dev1", nil))
	c := iotClient(emu)
	if _, err := c.CreateJobTemplate(ctx, &iot.CreateJobTemplateInput{JobTemplateId: aws.String("tpl"),
		Description: aws.String("a template"), Document: aws.String(`{"operation":"reboot"}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateJob(ctx, &iot.CreateJobInput{JobId: aws.String("j1"),
		JobTemplateArn: aws.String("arn:aws:iot:us-east-1:123456789012:jobtemplate/tpl"),
		Targets:        []string{"arn:aws:iot:us-east-1:123456789012:thing/dev1"}}); err != nil {
		t.Fatal(err)
	}
	dev := emu.Connect(t, "dev1")
	updates := dev.Subscribe(t, "$aws/things/dev1/jobs/j1/update/accepted", 1)
	dev.Publish(t, "$aws/things/dev1/jobs/j1/update", 1, false, []byte(`{"status":"IN_PROGRESS","statusDetails":{"step":"download"}}`))
	decodeReply(t, updates.Next(t, jobsWait), "$aws/things/dev1/jobs/j1/update/accepted")
	dev.Disconnect()

	emu = restart(t, emu, dir)
	c = iotClient(emu)
	ex, err := c.DescribeJobExecution(ctx, &iot.DescribeJobExecutionInput{JobId: aws.String("j1"), ThingName: aws.String("dev1")})
	if err != nil || ex.Execution.Status != types.JobExecutionStatusInProgress || ex.Execution.VersionNumber != 2 ||
		ex.Execution.StatusDetails.DetailsMap["step"] != "download" {
		t.Fatalf("execution after restart: %v %+v", err, ex)
	}
	if _, err := c.DescribeJobTemplate(ctx, &iot.DescribeJobTemplateInput{JobTemplateId: aws.String("tpl")}); err != nil {
		t.Fatalf("template after restart: %v", err)
	}
	dev = emu.Connect(t, "dev1")
	updates = dev.Subscribe(t, "$aws/things/dev1/jobs/j1/update/accepted", 1)
	dev.Publish(t, "$aws/things/dev1/jobs/j1/update", 1, false, []byte(`{"status":"SUCCEEDED","expectedVersion":2}`))
	decodeReply(t, updates.Next(t, jobsWait), "$aws/things/dev1/jobs/j1/update/accepted")
}

// TestDataDirKeepsProvisioning: a provisioning template (and its second
// version), the certificate of CreateKeysAndCertificate over MQTT and the
// thing RegisterThing made are there after a restart; an ownership token
// issued before the restart is spent after it.
func TestDataDirKeepsProvisioning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	emu := testkit.Start(t, testkit.WithDataDir(dir), testkit.WithConfig(func(c *emulator.Config) { c.Compat.ECDSAKeysAndCertificate = true }))
	c := iotClient(emu)
	createFleetTemplate(t, c, "fleet", fleetDeviceTemplate)
	if _, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("SensorPolicy"), PolicyDocument: aws.String(testkit.AllowAllPolicy)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateProvisioningTemplateVersion(ctx, &iot.CreateProvisioningTemplateVersionInput{TemplateName: aws.String("fleet"),
		TemplateBody: aws.String(fleetDeviceTemplate), SetAsDefault: true}); err != nil {
		t.Fatal(err)
	}
	dev := emu.Connect(t, "dev")
	created := dev.Subscribe(t, "$aws/certificates/create/json/accepted", 1)
	dev.Publish(t, "$aws/certificates/create/json", 1, false, nil)
	var keys struct{ CertificateID, CertificateOwnershipToken string }
	if err := json.Unmarshal(created.Next(t, wait).Payload, &keys); err != nil || keys.CertificateOwnershipToken == "" {
		t.Fatalf("create keys: %v %+v", err, keys)
	}
	// A second token, used only after the restart.
	dev.Publish(t, "$aws/certificates/create/json", 1, false, nil)
	var later struct{ CertificateID, CertificateOwnershipToken string }
	if err := json.Unmarshal(created.Next(t, wait).Payload, &later); err != nil {
		t.Fatal(err)
	}
	provisioned := dev.Subscribe(t, "$aws/provisioning-templates/fleet/provision/json/accepted", 1)
	dev.Publish(t, "$aws/provisioning-templates/fleet/provision/json", 1, false,
		[]byte(`{"certificateOwnershipToken":"`+keys.CertificateOwnershipToken+`","parameters":{"SerialNumber":"1"}}`))
	provisioned.Next(t, wait)
	dev.Disconnect()

	emu = restart(t, emu, dir, testkit.WithConfig(func(c *emulator.Config) { c.Compat.ECDSAKeysAndCertificate = true }))
	c = iotClient(emu)
	tpl, err := c.DescribeProvisioningTemplate(ctx, &iot.DescribeProvisioningTemplateInput{TemplateName: aws.String("fleet")})
	if err != nil || aws.ToInt32(tpl.DefaultVersionId) != 2 {
		t.Fatalf("template after restart: %v %+v", err, tpl)
	}
	if _, err := c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("sensor-1")}); err != nil {
		t.Fatalf("provisioned thing after restart: %v", err)
	}
	cert, err := c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String(keys.CertificateID)})
	if err != nil || cert.CertificateDescription.Status != types.CertificateStatusActive {
		t.Fatalf("provisioned certificate after restart: %v %+v", err, cert)
	}
	dev = emu.Connect(t, "dev")
	provisioned = dev.Subscribe(t, "$aws/provisioning-templates/fleet/provision/json/+", 1)
	dev.Publish(t, "$aws/provisioning-templates/fleet/provision/json", 1, false,
		[]byte(`{"certificateOwnershipToken":"`+later.CertificateOwnershipToken+`","parameters":{"SerialNumber":"2"}}`))
	if m := provisioned.Next(t, wait); !strings.HasSuffix(m.Topic, "/accepted") {
		t.Fatalf("RegisterThing with a token from before the restart: %s %s", m.Topic, m.Payload)
	}
	if _, err := c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("sensor-2")}); err != nil {
		t.Fatalf("thing of a token from before the restart: %v", err)
	}
}

// TestDataDirKeepsSettings: the fleet indexing configuration, the logging
// options, a domain configuration and a role alias written with the SDK
// are there after a restart.
func TestDataDirKeepsSettings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	emu := testkit.Start(t, testkit.WithDataDir(dir))
	c := iotClient(emu)
	if _, err := c.UpdateIndexingConfiguration(ctx, &iot.UpdateIndexingConfigurationInput{
		ThingIndexingConfiguration: &types.ThingIndexingConfiguration{ThingIndexingMode: types.ThingIndexingModeRegistryAndShadow}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetV2LoggingOptions(ctx, &iot.SetV2LoggingOptionsInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/log"),
		DefaultLogLevel: types.LogLevelWarn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateDomainConfiguration(ctx, &iot.CreateDomainConfigurationInput{DomainConfigurationName: aws.String("custom")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRoleAlias(ctx, &iot.CreateRoleAliasInput{RoleAlias: aws.String("alias"),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/device")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("lamp")}); err != nil {
		t.Fatal(err)
	}
	if _, err := dataClient(emu).UpdateThingShadow(ctx, &iotdataplane.UpdateThingShadowInput{ThingName: aws.String("lamp"),
		Payload: []byte(`{"state":{"reported":{"on":true}}}`)}); err != nil {
		t.Fatal(err)
	}

	emu = restart(t, emu, dir)
	c = iotClient(emu)
	ix, err := c.GetIndexingConfiguration(ctx, &iot.GetIndexingConfigurationInput{})
	if err != nil || ix.ThingIndexingConfiguration.ThingIndexingMode != types.ThingIndexingModeRegistryAndShadow {
		t.Fatalf("indexing configuration after restart: %v %+v", err, ix)
	}
	// The restored shadow is indexed too.
	found, err := c.SearchIndex(ctx, &iot.SearchIndexInput{QueryString: aws.String("thingName:lamp AND shadow.reported.on:true")})
	if err != nil || len(found.Things) != 1 {
		t.Fatalf("the index after restart: %v %+v", err, found)
	}
	lo, err := c.GetV2LoggingOptions(ctx, &iot.GetV2LoggingOptionsInput{})
	if err != nil || lo.DefaultLogLevel != types.LogLevelWarn {
		t.Fatalf("logging options after restart: %v %+v", err, lo)
	}
	if _, err := c.DescribeDomainConfiguration(ctx, &iot.DescribeDomainConfigurationInput{DomainConfigurationName: aws.String("custom")}); err != nil {
		t.Fatalf("domain configuration after restart: %v", err)
	}
	if _, err := c.DescribeRoleAlias(ctx, &iot.DescribeRoleAliasInput{RoleAlias: aws.String("alias")}); err != nil {
		t.Fatalf("role alias after restart: %v", err)
	}
}

// TestDataDirKeepsJITP: the certificate just-in-time registration made and
// what JITP provisioned for it (thing, ACTIVE certificate, attachments)
// are there after a restart, and the device connects with it then.
func TestDataDirKeepsJITP(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	emu := testkit.Start(t, testkit.WithDataDir(dir), testkit.WithStrictAuth(cliCredential))
	c := iotClient(emu)
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

	emu = restart(t, emu, dir, testkit.WithStrictAuth(cliCredential))
	c = iotClient(emu)
	d, err := c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String(devID)})
	if err != nil || d.CertificateDescription.Status != types.CertificateStatusActive {
		t.Fatalf("certificate after restart: %+v %v", d, err)
	}
	if _, err := c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("jitp-sensor-1")}); err != nil {
		t.Fatalf("JITP's thing after restart: %v", err)
	}
	cl, err := tryConnect(t, emu, "jitp-sensor-1", dev)
	if err != nil {
		t.Fatalf("the provisioned certificate was refused after restart: %v", err)
	}
	cl.Disconnect(0)
}
