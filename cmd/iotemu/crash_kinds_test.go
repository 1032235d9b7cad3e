package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	apitypes "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/gorilla/websocket"
)

const (
	epAPIGateway = "API Gateway WebSocket"
	lampARN      = "arn:aws:iot:us-east-1:123456789012:thing/lamp"
	roleARN      = "arn:aws:iam::123456789012:role/r"
	policyARN    = "arn:aws:iot:us-east-1:123456789012:policy/all"
	// sensorTemplate provisions thing sensor-{SerialNumber} with the
	// certificate of the ownership token and policy "all".
	sensorTemplate = `{"Parameters":{"SerialNumber":{"Type":"String"},"AWS::IoT::Certificate::Id":{"Type":"String"}},` +
		`"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Fn::Join":["",["sensor-",{"Ref":"SerialNumber"}]]}}},` +
		`"certificate":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":{"Ref":"AWS::IoT::Certificate::Id"},"Status":"Active"}},` +
		`"policy":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":"all"}}}}`
)

// apiClient is the SDK's apigatewayv2 client on the API Gateway port.
func apiClient(eps map[string]string) *apigatewayv2.Client {
	return apigatewayv2.New(apigatewayv2.Options{Region: "us-east-1",
		BaseEndpoint: aws.String("http://" + strings.TrimPrefix(eps[epAPIGateway], "ws://")),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})
}

// writeControlPlane writes, with the SDK, one of every control-plane kind
// the data directory keeps besides the registry; each call's 200 is the
// acknowledgement.
func writeControlPlane(t *testing.T, c *iot.Client, eps map[string]string) {
	t.Helper()
	ctx := context.Background()
	steps := []func() error{
		func() error {
			_, err := c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("fwd"), Tags: aws.String("team=iot"),
				TopicRulePayload: &types.TopicRulePayload{Sql: aws.String("SELECT * FROM 'sensors/+'"),
					Actions: []types.Action{{Republish: &types.RepublishAction{Topic: aws.String("out"), RoleArn: aws.String(roleARN)}}}}})
			return err
		},
		func() error {
			_, err := c.CreateTopicRuleDestination(ctx, &iot.CreateTopicRuleDestinationInput{DestinationConfiguration: &types.TopicRuleDestinationConfiguration{
				VpcConfiguration: &types.VpcDestinationConfiguration{SubnetIds: []string{"subnet-1"}, VpcId: aws.String("vpc-1"), RoleArn: aws.String(roleARN)}}})
			return err
		},
		func() error {
			_, err := c.CreateAuthorizer(ctx, &iot.CreateAuthorizerInput{AuthorizerName: aws.String("auth"),
				AuthorizerFunctionArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:auth"), SigningDisabled: aws.Bool(true)})
			return err
		},
		func() error {
			_, err := c.SetDefaultAuthorizer(ctx, &iot.SetDefaultAuthorizerInput{AuthorizerName: aws.String("auth")})
			return err
		},
		func() error {
			_, err := c.TagResource(ctx, &iot.TagResourceInput{ResourceArn: aws.String(policyARN), Tags: []types.Tag{{Key: aws.String("room"), Value: aws.String("k")}}})
			return err
		},
		func() error {
			_, err := c.CreateJobTemplate(ctx, &iot.CreateJobTemplateInput{JobTemplateId: aws.String("tpl"), Description: aws.String("reboot"),
				Document: aws.String(`{"operation":"reboot"}`)})
			return err
		},
		func() error {
			_, err := c.CreateJob(ctx, &iot.CreateJobInput{JobId: aws.String("j1"), Targets: []string{lampARN},
				JobTemplateArn: aws.String("arn:aws:iot:us-east-1:123456789012:jobtemplate/tpl")})
			return err
		},
		func() error {
			_, err := c.CreateProvisioningTemplate(ctx, &iot.CreateProvisioningTemplateInput{TemplateName: aws.String("fleet"),
				TemplateBody: aws.String(sensorTemplate), Enabled: aws.Bool(true), ProvisioningRoleArn: aws.String(roleARN)})
			return err
		},
		func() error {
			_, err := c.UpdateIndexingConfiguration(ctx, &iot.UpdateIndexingConfigurationInput{
				ThingIndexingConfiguration: &types.ThingIndexingConfiguration{ThingIndexingMode: types.ThingIndexingModeRegistry}})
			return err
		},
		func() error {
			_, err := c.UpdateEventConfigurations(ctx, &iot.UpdateEventConfigurationsInput{
				EventConfigurations: map[string]types.Configuration{"JOB": {Enabled: true}}})
			return err
		},
		func() error {
			_, err := c.SetV2LoggingOptions(ctx, &iot.SetV2LoggingOptionsInput{RoleArn: aws.String(roleARN), DefaultLogLevel: types.LogLevelWarn})
			return err
		},
		func() error {
			_, err := c.CreateDomainConfiguration(ctx, &iot.CreateDomainConfigurationInput{DomainConfigurationName: aws.String("custom")})
			return err
		},
		func() error {
			_, err := c.CreateRoleAlias(ctx, &iot.CreateRoleAliasInput{RoleAlias: aws.String("alias"), RoleArn: aws.String(roleARN)})
			return err
		},
		func() error { return createWebSocketAPI(ctx, apiClient(eps)) },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("control-plane write %d: %v", i, err)
		}
	}
}

// createWebSocketAPI declares an API with a MOCK $default route and an
// auto-deployed stage "live".
func createWebSocketAPI(ctx context.Context, a *apigatewayv2.Client) error {
	api, err := a.CreateApi(ctx, &apigatewayv2.CreateApiInput{Name: aws.String("chat"), ProtocolType: apitypes.ProtocolTypeWebsocket,
		RouteSelectionExpression: aws.String("$request.body.action")})
	if err != nil {
		return err
	}
	in, err := a.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{ApiId: api.ApiId, IntegrationType: apitypes.IntegrationTypeMock,
		RequestTemplates: map[string]string{"$default": `{"statusCode":200}`}, TemplateSelectionExpression: aws.String(`\$default`)})
	if err != nil {
		return err
	}
	if _, err := a.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: api.ApiId, RouteKey: aws.String("$default"),
		Target: aws.String("integrations/" + aws.ToString(in.IntegrationId))}); err != nil {
		return err
	}
	_, err = a.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: api.ApiId, StageName: aws.String("live"), AutoDeploy: aws.Bool(true)})
	return err
}

// checkControlPlane reads back, after the crash, what writeControlPlane
// and the MQTT requests wrote.
func checkControlPlane(t *testing.T, c *iot.Client, eps map[string]string) {
	t.Helper()
	ctx := context.Background()
	rule, err := c.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("fwd")})
	if err != nil || len(rule.Rule.Actions) != 1 || rule.Rule.Actions[0].Republish == nil {
		t.Fatalf("topic rule after the crash: %v %+v", err, rule)
	}
	if tags, err := c.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: rule.RuleArn}); err != nil || len(tags.Tags) != 1 {
		t.Fatalf("rule tags after the crash: %v %+v", err, tags)
	}
	if tags, err := c.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: aws.String(policyARN)}); err != nil || len(tags.Tags) != 1 {
		t.Fatalf("policy tags after the crash: %v %+v", err, tags)
	}
	if ds, err := c.ListTopicRuleDestinations(ctx, &iot.ListTopicRuleDestinationsInput{}); err != nil || len(ds.DestinationSummaries) != 1 {
		t.Fatalf("destinations after the crash: %v %+v", err, ds)
	}
	if def, err := c.DescribeDefaultAuthorizer(ctx, &iot.DescribeDefaultAuthorizerInput{}); err != nil || aws.ToString(def.AuthorizerDescription.AuthorizerName) != "auth" {
		t.Fatalf("default authorizer after the crash: %v", err)
	}
	if _, err := c.DescribeJobTemplate(ctx, &iot.DescribeJobTemplateInput{JobTemplateId: aws.String("tpl")}); err != nil {
		t.Fatalf("job template after the crash: %v", err)
	}
	ex, err := c.DescribeJobExecution(ctx, &iot.DescribeJobExecutionInput{JobId: aws.String("j1"), ThingName: aws.String("lamp")})
	if err != nil || ex.Execution.Status != types.JobExecutionStatusInProgress || ex.Execution.VersionNumber != 2 ||
		ex.Execution.StatusDetails.DetailsMap["step"] != "download" {
		t.Fatalf("job execution after the crash: %v %+v", err, ex)
	}
	if _, err := c.DescribeProvisioningTemplate(ctx, &iot.DescribeProvisioningTemplateInput{TemplateName: aws.String("fleet")}); err != nil {
		t.Fatalf("provisioning template after the crash: %v", err)
	}
	if _, err := c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("sensor-1")}); err != nil {
		t.Fatalf("the thing RegisterThing made, after the crash: %v", err)
	}
	if ix, err := c.GetIndexingConfiguration(ctx, &iot.GetIndexingConfigurationInput{}); err != nil ||
		ix.ThingIndexingConfiguration.ThingIndexingMode != types.ThingIndexingModeRegistry {
		t.Fatalf("indexing configuration after the crash: %v", err)
	}
	if ev, err := c.DescribeEventConfigurations(ctx, &iot.DescribeEventConfigurationsInput{}); err != nil || !ev.EventConfigurations["JOB"].Enabled {
		t.Fatalf("event configurations after the crash: %v", err)
	}
	if lo, err := c.GetV2LoggingOptions(ctx, &iot.GetV2LoggingOptionsInput{}); err != nil || lo.DefaultLogLevel != types.LogLevelWarn {
		t.Fatalf("logging options after the crash: %v", err)
	}
	if _, err := c.DescribeDomainConfiguration(ctx, &iot.DescribeDomainConfigurationInput{DomainConfigurationName: aws.String("custom")}); err != nil {
		t.Fatalf("domain configuration after the crash: %v", err)
	}
	if _, err := c.DescribeRoleAlias(ctx, &iot.DescribeRoleAliasInput{RoleAlias: aws.String("alias")}); err != nil {
		t.Fatalf("role alias after the crash: %v", err)
	}
	apis, err := apiClient(eps).GetApis(ctx, &apigatewayv2.GetApisInput{})
	if err != nil || len(apis.Items) != 1 {
		t.Fatalf("WebSocket APIs after the crash: %v %+v", err, apis)
	}
	ws, _, err := websocket.DefaultDialer.Dial(eps[epAPIGateway]+"/live", nil)
	if err != nil {
		t.Fatalf("the WebSocket API's stage after the crash: %v", err)
	}
	_ = ws.Close()
}

// expectAccepted publishes a request whose answer is topic/accepted or
// topic/rejected, and fails unless it is accepted.
func expectAccepted(t *testing.T, c paho.Client, topic, payload string) []byte {
	t.Helper()
	got := make(chan paho.Message, 4)
	answers := map[string]byte{topic + "/accepted": 1, topic + "/rejected": 1}
	must(t, c.SubscribeMultiple(answers, func(_ paho.Client, m paho.Message) { got <- m }))
	defer func() { c.Unsubscribe(topic+"/accepted", topic+"/rejected").WaitTimeout(10 * time.Second) }()
	must(t, c.Publish(topic, 1, false, payload))
	select {
	case m := <-got:
		if m.Topic() != topic+"/accepted" {
			t.Fatalf("%s: %s %s", topic, m.Topic(), m.Payload())
		}
		return m.Payload()
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no answer", topic)
	}
	return nil
}

// registerThing provisions sensor-1 over the fleet provisioning MQTT API:
// CreateKeysAndCertificate, then RegisterThing with its ownership token.
func registerThing(t *testing.T, url string) {
	t.Helper()
	c := mqttClient(t, url, "provisioner", true, nil)
	defer c.Disconnect(0)
	var keys struct{ CertificateOwnershipToken string }
	if err := json.Unmarshal(expectAccepted(t, c, "$aws/certificates/create/json", "{}"), &keys); err != nil {
		t.Fatal(err)
	}
	expectAccepted(t, c, "$aws/provisioning-templates/fleet/provision/json",
		`{"certificateOwnershipToken":"`+keys.CertificateOwnershipToken+`","parameters":{"SerialNumber":"1"}}`)
}
