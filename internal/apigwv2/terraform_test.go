package apigwv2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/iotemu/iotemu/internal/apigwv2"
)

// TestTerraformSequence replays, with the SDK the Terraform AWS provider
// uses, the calls of an apply of aws_apigatewayv2_api, _integration,
// _integration_response, _route, _route_response, _authorizer,
// _deployment and _stage, a refresh, a tag change and a destroy, checking
// each read-back member Terraform compares against its configuration
// (docs/compatibility.md "apigatewayv2 control plane" "Terraform").
func TestTerraformSequence(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	c := f.c
	must := func(err error, what string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// aws_apigatewayv2_api: Create, then Read.
	ca, err := c.CreateApi(ctx, &apigatewayv2.CreateApiInput{
		Name: aws.String("chat"), ProtocolType: types.ProtocolTypeWebsocket,
		RouteSelectionExpression:  aws.String("$request.body.action"),
		ApiKeySelectionExpression: aws.String("$request.header.x-api-key"), Tags: map[string]string{"env": "dev"},
	})
	must(err, "CreateApi")
	api := ca.ApiId
	ga, err := c.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: api})
	must(err, "GetApi")
	if ga.ProtocolType != types.ProtocolTypeWebsocket || aws.ToString(ga.RouteSelectionExpression) != "$request.body.action" ||
		aws.ToString(ga.ApiKeySelectionExpression) != "$request.header.x-api-key" || aws.ToString(ga.ApiEndpoint) == "" ||
		aws.ToString(ga.Name) != "chat" || ga.Tags["env"] != "dev" || ga.DisableExecuteApiEndpoint == nil || ga.IpAddressType == "" {
		t.Fatalf("api read back %+v", ga)
	}

	// aws_apigatewayv2_integration with the schema defaults Terraform sends.
	ci, err := c.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{
		ApiId: api, IntegrationType: types.IntegrationTypeAwsProxy, IntegrationUri: aws.String(onConnect),
		ConnectionType: types.ConnectionTypeInternet, PassthroughBehavior: types.PassthroughBehaviorWhenNoMatch,
		PayloadFormatVersion: aws.String("1.0"), ContentHandlingStrategy: types.ContentHandlingStrategyConvertToText,
		Description: aws.String("connect"),
	})
	must(err, "CreateIntegration")
	gi, err := c.GetIntegration(ctx, &apigatewayv2.GetIntegrationInput{ApiId: api, IntegrationId: ci.IntegrationId})
	must(err, "GetIntegration")
	if gi.IntegrationType != types.IntegrationTypeAwsProxy || gi.ConnectionType != types.ConnectionTypeInternet ||
		aws.ToString(gi.PayloadFormatVersion) != "1.0" || gi.PassthroughBehavior != types.PassthroughBehaviorWhenNoMatch ||
		aws.ToString(gi.IntegrationUri) != onConnect || aws.ToString(gi.IntegrationMethod) != "POST" ||
		gi.ContentHandlingStrategy != types.ContentHandlingStrategyConvertToText || aws.ToString(gi.Description) != "connect" {
		t.Fatalf("integration read back %+v", gi)
	}
	_, err = c.UpdateIntegration(ctx, &apigatewayv2.UpdateIntegrationInput{ApiId: api, IntegrationId: ci.IntegrationId, IntegrationType: types.IntegrationTypeAwsProxy, Description: aws.String("connect v2")})
	must(err, "UpdateIntegration")

	mock := f.mockIntegration(t, aws.ToString(api))
	cir, err := c.CreateIntegrationResponse(ctx, &apigatewayv2.CreateIntegrationResponseInput{
		ApiId: api, IntegrationId: &mock, IntegrationResponseKey: aws.String("/200/"),
		ResponseTemplates: map[string]string{"$default": `{"ok":true}`}, TemplateSelectionExpression: aws.String(`\$default`),
	})
	must(err, "CreateIntegrationResponse")
	gir, err := c.GetIntegrationResponse(ctx, &apigatewayv2.GetIntegrationResponseInput{ApiId: api, IntegrationId: &mock, IntegrationResponseId: cir.IntegrationResponseId})
	must(err, "GetIntegrationResponse")
	if aws.ToString(gir.IntegrationResponseKey) != "/200/" || gir.ResponseTemplates["$default"] != `{"ok":true}` || aws.ToString(gir.TemplateSelectionExpression) != `\$default` {
		t.Fatalf("integration response read back %+v", gir)
	}

	// aws_apigatewayv2_authorizer reads the API's protocol first.
	must(getAPI(c, api), "GetApi (authorizer)")
	cau, err := c.CreateAuthorizer(ctx, &apigatewayv2.CreateAuthorizerInput{ApiId: api, Name: aws.String("wsAuth"), AuthorizerType: types.AuthorizerTypeRequest, IdentitySource: []string{"route.request.querystring.token"}, AuthorizerUri: aws.String(authURI)})
	must(err, "CreateAuthorizer")
	_, err = c.GetAuthorizer(ctx, &apigatewayv2.GetAuthorizerInput{ApiId: api, AuthorizerId: cau.AuthorizerId})
	must(err, "GetAuthorizer")

	// aws_apigatewayv2_route: apiKeyRequired and authorizationType always sent.
	cr, err := c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{
		ApiId: api, RouteKey: aws.String("$connect"), Target: aws.String("integrations/" + aws.ToString(ci.IntegrationId)),
		ApiKeyRequired: aws.Bool(false), AuthorizationType: types.AuthorizationTypeCustom, AuthorizerId: cau.AuthorizerId,
	})
	must(err, "CreateRoute")
	gr, err := c.GetRoute(ctx, &apigatewayv2.GetRouteInput{ApiId: api, RouteId: cr.RouteId})
	must(err, "GetRoute")
	if aws.ToString(gr.RouteKey) != "$connect" || gr.AuthorizationType != types.AuthorizationTypeCustom || aws.ToString(gr.AuthorizerId) != aws.ToString(cau.AuthorizerId) ||
		gr.ApiKeyRequired == nil || aws.ToString(gr.Target) != "integrations/"+aws.ToString(ci.IntegrationId) {
		t.Fatalf("route read back %+v", gr)
	}
	def, err := c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{
		ApiId: api, RouteKey: aws.String("$default"), Target: aws.String("integrations/" + mock),
		ApiKeyRequired: aws.Bool(false), AuthorizationType: types.AuthorizationTypeNone, RouteResponseSelectionExpression: aws.String("$default"),
	})
	must(err, "CreateRoute $default")
	crr, err := c.CreateRouteResponse(ctx, &apigatewayv2.CreateRouteResponseInput{ApiId: api, RouteId: def.RouteId, RouteResponseKey: aws.String("$default")})
	must(err, "CreateRouteResponse")
	_, err = c.GetRouteResponse(ctx, &apigatewayv2.GetRouteResponseInput{ApiId: api, RouteId: def.RouteId, RouteResponseId: crr.RouteResponseId})
	must(err, "GetRouteResponse")

	// aws_apigatewayv2_deployment: Create, poll until DEPLOYED, Read.
	cd, err := c.CreateDeployment(ctx, &apigatewayv2.CreateDeploymentInput{ApiId: api, Description: aws.String("v1")})
	must(err, "CreateDeployment")
	gd, err := c.GetDeployment(ctx, &apigatewayv2.GetDeploymentInput{ApiId: api, DeploymentId: cd.DeploymentId})
	must(err, "GetDeployment")
	if gd.DeploymentStatus != types.DeploymentStatusDeployed || aws.ToString(gd.Description) != "v1" || gd.AutoDeployed == nil {
		t.Fatalf("deployment read back %+v", gd)
	}

	// aws_apigatewayv2_stage: GetApi, Create, Read (GetStage, GetApi).
	must(getAPI(c, api), "GetApi (stage)")
	_, err = c.CreateStage(ctx, &apigatewayv2.CreateStageInput{
		ApiId: api, StageName: aws.String("dev"), AutoDeploy: aws.Bool(false), DeploymentId: cd.DeploymentId,
		StageVariables: map[string]string{"fn": "onConnect"}, Tags: map[string]string{"env": "dev"},
		DefaultRouteSettings: &types.RouteSettings{DataTraceEnabled: aws.Bool(false), DetailedMetricsEnabled: aws.Bool(false), LoggingLevel: types.LoggingLevelInfo, ThrottlingBurstLimit: aws.Int32(500), ThrottlingRateLimit: aws.Float64(1000)},
	})
	must(err, "CreateStage")
	gs, err := c.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: api, StageName: aws.String("dev")})
	must(err, "GetStage")
	if aws.ToString(gs.StageName) != "dev" || aws.ToBool(gs.AutoDeploy) || aws.ToString(gs.DeploymentId) != aws.ToString(cd.DeploymentId) ||
		gs.StageVariables["fn"] != "onConnect" || gs.Tags["env"] != "dev" || gs.DefaultRouteSettings.LoggingLevel != types.LoggingLevelInfo ||
		aws.ToInt32(gs.DefaultRouteSettings.ThrottlingBurstLimit) != 500 || aws.ToFloat64(gs.DefaultRouteSettings.ThrottlingRateLimit) != 1000 {
		t.Fatalf("stage read back %+v", gs)
	}
	must(getAPI(c, api), "GetApi (stage read)")
	if _, ok := f.installer.served("dev"); !ok {
		t.Fatal("the applied stage is not served")
	}

	// A refresh (plan) reads the same values again.
	ga2, err := c.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: api})
	must(err, "refresh GetApi")
	if aws.ToString(ga2.RouteSelectionExpression) != aws.ToString(ga.RouteSelectionExpression) || aws.ToString(ga2.ApiEndpoint) != aws.ToString(ga.ApiEndpoint) || !ga2.CreatedDate.Equal(*ga.CreatedDate) {
		t.Errorf("refresh changed the api: %+v vs %+v", ga2, ga)
	}

	// A tag change on the stage: Untag, Tag on the ARN Terraform builds, then Update.
	stageARN := aws.String("arn:aws:apigateway:us-east-1::/apis/" + aws.ToString(api) + "/stages/dev")
	_, err = c.UntagResource(ctx, &apigatewayv2.UntagResourceInput{ResourceArn: stageARN, TagKeys: []string{"env"}})
	must(err, "UntagResource")
	_, err = c.TagResource(ctx, &apigatewayv2.TagResourceInput{ResourceArn: stageARN, Tags: map[string]string{"team": "iot"}})
	must(err, "TagResource")
	must(getAPI(c, api), "GetApi (stage update)")
	_, err = c.UpdateStage(ctx, &apigatewayv2.UpdateStageInput{ApiId: api, StageName: aws.String("dev"), StageVariables: map[string]string{"fn": ""}})
	must(err, "UpdateStage")
	gs, err = c.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: api, StageName: aws.String("dev")})
	must(err, "GetStage after update")
	if len(gs.StageVariables) != 0 || gs.Tags["team"] != "iot" || gs.Tags["env"] != "" {
		t.Errorf("stage after update: variables %v, tags %v", gs.StageVariables, gs.Tags)
	}

	// Destroy, in dependency order; NotFound would be ignored.
	steps := []struct {
		what string
		call func() error
	}{
		{"DeleteStage", func() error {
			_, e := c.DeleteStage(ctx, &apigatewayv2.DeleteStageInput{ApiId: api, StageName: aws.String("dev")})
			return e
		}},
		{"DeleteDeployment", func() error {
			_, e := c.DeleteDeployment(ctx, &apigatewayv2.DeleteDeploymentInput{ApiId: api, DeploymentId: cd.DeploymentId})
			return e
		}},
		{"DeleteRouteResponse", func() error {
			_, e := c.DeleteRouteResponse(ctx, &apigatewayv2.DeleteRouteResponseInput{ApiId: api, RouteId: def.RouteId, RouteResponseId: crr.RouteResponseId})
			return e
		}},
		{"DeleteRoute", func() error {
			_, e := c.DeleteRoute(ctx, &apigatewayv2.DeleteRouteInput{ApiId: api, RouteId: cr.RouteId})
			return e
		}},
		{"DeleteRoute $default", func() error {
			_, e := c.DeleteRoute(ctx, &apigatewayv2.DeleteRouteInput{ApiId: api, RouteId: def.RouteId})
			return e
		}},
		{"DeleteAuthorizer", func() error {
			_, e := c.DeleteAuthorizer(ctx, &apigatewayv2.DeleteAuthorizerInput{ApiId: api, AuthorizerId: cau.AuthorizerId})
			return e
		}},
		{"DeleteIntegrationResponse", func() error {
			_, e := c.DeleteIntegrationResponse(ctx, &apigatewayv2.DeleteIntegrationResponseInput{ApiId: api, IntegrationId: &mock, IntegrationResponseId: cir.IntegrationResponseId})
			return e
		}},
		{"DeleteIntegration", func() error {
			_, e := c.DeleteIntegration(ctx, &apigatewayv2.DeleteIntegrationInput{ApiId: api, IntegrationId: ci.IntegrationId})
			return e
		}},
		{"DeleteApi", func() error { _, e := c.DeleteApi(ctx, &apigatewayv2.DeleteApiInput{ApiId: api}); return e }},
	}
	for _, s := range steps {
		must(s.call(), s.what)
	}
	if _, ok := f.installer.served("dev"); ok {
		t.Error("the destroyed stage is still served")
	}
}

func getAPI(c *apigatewayv2.Client, api *string) error {
	_, err := c.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: api})
	return err
}
