package apigwv2_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/internal/apigwv2"
)

func TestDeploymentToStage(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := aws.ToString(f.wsAPI(t, "chat").ApiId)
	_, err := f.c.CreateDeployment(ctx, &apigatewayv2.CreateDeploymentInput{ApiId: &api})
	wantError(t, err, "BadRequestException", "At least one route is required before deploying the Api")

	f.route(t, api, "$default", f.mockIntegration(t, api))
	sg, err := f.c.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: &api, StageName: aws.String("dev"), StageVariables: map[string]string{"fn": "onConnect"}})
	if err != nil {
		t.Fatalf("CreateStage: %v", err)
	}
	if sg.AutoDeploy == nil || *sg.AutoDeploy || sg.RouteSettings == nil || sg.DefaultRouteSettings == nil || sg.Tags == nil || sg.CreatedDate == nil {
		t.Errorf("CreateStage defaults = %+v", sg)
	}
	if _, ok := f.installer.served("dev"); ok {
		t.Fatal("a stage without a deployment is served")
	}
	d, err := f.c.CreateDeployment(ctx, &apigatewayv2.CreateDeploymentInput{ApiId: &api, StageName: aws.String("dev"), Description: aws.String("v1")})
	if err != nil {
		t.Fatalf("CreateDeployment: %v", err)
	}
	matches(t, "deploymentId", `^[a-z0-9]{6}$`, aws.ToString(d.DeploymentId))
	if d.DeploymentStatus != types.DeploymentStatusDeployed || aws.ToBool(d.AutoDeployed) || aws.ToString(d.Description) != "v1" {
		t.Errorf("CreateDeployment = %+v", d)
	}
	got, err := f.c.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: &api, StageName: aws.String("dev")})
	if err != nil || aws.ToString(got.DeploymentId) != aws.ToString(d.DeploymentId) {
		t.Fatalf("GetStage = %+v, %v", got, err)
	}
	served, ok := f.installer.served("dev")
	if !ok || served.ID != api || served.StageVariables["fn"] != "onConnect" || len(served.Routes) != 1 || served.Routes[0].Key != "$default" {
		t.Fatalf("served %+v, %v", served, ok)
	}
	if m, ok := served.Routes[0].Integration.(apigw.Mock); !ok || m.StatusCode != http.StatusOK {
		t.Errorf("integration %#v, want a 200 mock", served.Routes[0].Integration)
	}

	// A change without autoDeploy is not served until the next deployment.
	f.route(t, api, "join", f.mockIntegration(t, api))
	if served, _ := f.installer.served("dev"); len(served.Routes) != 1 {
		t.Errorf("undeployed change served: %d routes", len(served.Routes))
	}
	_, err = f.c.DeleteDeployment(ctx, &apigatewayv2.DeleteDeploymentInput{ApiId: &api, DeploymentId: d.DeploymentId})
	wantError(t, err, "BadRequestException", "Active stages pointing to this deployment must be moved or deleted")
	if _, err := f.c.DeleteStage(ctx, &apigatewayv2.DeleteStageInput{ApiId: &api, StageName: aws.String("dev")}); err != nil {
		t.Fatalf("DeleteStage: %v", err)
	}
	if _, ok := f.installer.served("dev"); ok {
		t.Error("deleted stage still served")
	}
	if _, err := f.c.DeleteDeployment(ctx, &apigatewayv2.DeleteDeploymentInput{ApiId: &api, DeploymentId: d.DeploymentId}); err != nil {
		t.Errorf("DeleteDeployment: %v", err)
	}
}

func TestAutoDeploy(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := aws.ToString(f.wsAPI(t, "chat").ApiId)
	sg, err := f.c.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: &api, StageName: aws.String("live"), AutoDeploy: aws.Bool(true)})
	if err != nil || sg.DeploymentId != nil {
		t.Fatalf("CreateStage = %+v, %v (no routes: no deployment yet)", sg, err)
	}
	iid := f.mockIntegration(t, api)
	f.route(t, api, "$default", iid)
	first := stageDeployment(t, f, api, "live")
	f.route(t, api, "join", iid)
	second := stageDeployment(t, f, api, "live")
	if first == "" || first == second {
		t.Fatalf("deploymentId moved %q → %q, want a new one", first, second)
	}
	d, err := f.c.GetDeployment(ctx, &apigatewayv2.GetDeploymentInput{ApiId: &api, DeploymentId: &second})
	if err != nil || !aws.ToBool(d.AutoDeployed) || aws.ToString(d.Description) != "Automatic deployment triggered by changes to the Api configuration" {
		t.Fatalf("GetDeployment = %+v, %v", d, err)
	}
	if served, _ := f.installer.served("live"); len(served.Routes) != 2 {
		t.Errorf("served %d routes, want 2", len(served.Routes))
	}
	_, err = f.c.CreateDeployment(ctx, &apigatewayv2.CreateDeploymentInput{ApiId: &api, StageName: aws.String("live")})
	wantError(t, err, "BadRequestException", "autoDeploy")
	l, err := f.c.GetDeployments(ctx, &apigatewayv2.GetDeploymentsInput{ApiId: &api})
	if err != nil || len(l.Items) != 2 {
		t.Fatalf("GetDeployments = %d items, %v", len(l.Items), err)
	}
}

func stageDeployment(t *testing.T, f *fixture, api, stage string) string {
	t.Helper()
	sg, err := f.c.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: &api, StageName: &stage})
	if err != nil {
		t.Fatalf("GetStage: %v", err)
	}
	return aws.ToString(sg.DeploymentId)
}

func TestUpdateStage(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := aws.ToString(f.wsAPI(t, "chat").ApiId)
	f.route(t, api, "$default", f.mockIntegration(t, api))
	d, err := f.c.CreateDeployment(ctx, &apigatewayv2.CreateDeploymentInput{ApiId: &api})
	if err != nil {
		t.Fatalf("CreateDeployment: %v", err)
	}
	if _, err := f.c.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: &api, StageName: aws.String("dev"), DeploymentId: d.DeploymentId,
		StageVariables: map[string]string{"x": "1", "y": "2"},
		RouteSettings:  map[string]types.RouteSettings{"$default": {ThrottlingBurstLimit: aws.Int32(5)}},
	}); err != nil {
		t.Fatalf("CreateStage: %v", err)
	}
	// "" removes a stage variable; the others stay.
	up, err := f.c.UpdateStage(ctx, &apigatewayv2.UpdateStageInput{ApiId: &api, StageName: aws.String("dev"), StageVariables: map[string]string{"x": "", "z": "3"}, Description: aws.String("d")})
	if err != nil {
		t.Fatalf("UpdateStage: %v", err)
	}
	if _, has := up.StageVariables["x"]; has || up.StageVariables["y"] != "2" || up.StageVariables["z"] != "3" || aws.ToString(up.Description) != "d" {
		t.Errorf("stageVariables %v, description %q", up.StageVariables, aws.ToString(up.Description))
	}
	if served, _ := f.installer.served("dev"); served.StageVariables["z"] != "3" {
		t.Errorf("served stage variables %v", served.StageVariables)
	}
	if _, err := f.c.DeleteRouteSettings(ctx, &apigatewayv2.DeleteRouteSettingsInput{ApiId: &api, StageName: aws.String("dev"), RouteKey: aws.String("$default")}); err != nil {
		t.Errorf("DeleteRouteSettings: %v", err)
	}
	_, err = f.c.DeleteRouteSettings(ctx, &apigatewayv2.DeleteRouteSettingsInput{ApiId: &api, StageName: aws.String("dev"), RouteKey: aws.String("$default")})
	wantError(t, err, "NotFoundException", "")
	for _, call := range []func() error{
		func() error {
			_, err := f.c.DeleteAccessLogSettings(ctx, &apigatewayv2.DeleteAccessLogSettingsInput{ApiId: &api, StageName: aws.String("dev")})
			return err
		},
		func() error {
			_, err := f.c.ResetAuthorizersCache(ctx, &apigatewayv2.ResetAuthorizersCacheInput{ApiId: &api, StageName: aws.String("dev")})
			return err
		},
		func() error {
			_, err := f.c.UpdateDeployment(ctx, &apigatewayv2.UpdateDeploymentInput{ApiId: &api, DeploymentId: d.DeploymentId, Description: aws.String("v2")})
			return err
		},
	} {
		if err := call(); err != nil {
			t.Error(err)
		}
	}
	if l, err := f.c.GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: &api}); err != nil || len(l.Items) != 1 {
		t.Fatalf("GetStages = %+v, %v", l, err)
	}
}

func TestStageErrors(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := aws.ToString(f.wsAPI(t, "chat").ApiId)
	other := aws.ToString(f.wsAPI(t, "other").ApiId)
	if _, err := f.c.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: &api, StageName: aws.String("dev")}); err != nil {
		t.Fatalf("CreateStage: %v", err)
	}
	_, err := f.c.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: &api, StageName: aws.String("dev")})
	wantError(t, err, "ConflictException", "already exists")
	_, err = f.c.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: &other, StageName: aws.String("dev")})
	wantError(t, err, "ConflictException", "unique across APIs")
	_, err = f.c.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: &api, StageName: aws.String("v2"), DeploymentId: aws.String("nosuch")})
	wantError(t, err, "NotFoundException", "Invalid Deployment identifier specified nosuch")
	_, err = f.c.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: &api, StageName: aws.String("v3"), StageVariables: map[string]string{"bad-name": "x"}})
	wantError(t, err, "BadRequestException", "stage variable")
	_, err = f.c.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: &api, StageName: aws.String("nosuch")})
	wantError(t, err, "NotFoundException", "Invalid stage identifier specified")
	_, err = f.c.GetDeployment(ctx, &apigatewayv2.GetDeploymentInput{ApiId: &api, DeploymentId: aws.String("nosuch")})
	wantError(t, err, "NotFoundException", "Invalid Deployment identifier specified nosuch")
}

// A route without an integration cannot be deployed.
func TestDeployRouteWithoutIntegration(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := aws.ToString(f.wsAPI(t, "chat").ApiId)
	if _, err := f.c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: &api, RouteKey: aws.String("$default")}); err != nil {
		t.Fatalf("CreateRoute: %v", err)
	}
	_, err := f.c.CreateDeployment(ctx, &apigatewayv2.CreateDeploymentInput{ApiId: &api})
	wantError(t, err, "BadRequestException", "no integration")
}
