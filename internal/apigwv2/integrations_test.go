package apigwv2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/iotemu/iotemu/internal/apigwv2"
)

func TestIntegrationLambdaProxy(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := f.wsAPI(t, "chat").ApiId
	out, err := f.c.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{
		ApiId: api, IntegrationType: types.IntegrationTypeAwsProxy, IntegrationUri: aws.String(onConnect),
		ContentHandlingStrategy: types.ContentHandlingStrategyConvertToText,
	})
	if err != nil {
		t.Fatalf("CreateIntegration: %v", err)
	}
	matches(t, "integrationId", `^[a-z0-9]{7}$`, aws.ToString(out.IntegrationId))
	if aws.ToString(out.IntegrationUri) != onConnect || aws.ToString(out.IntegrationMethod) != "POST" ||
		aws.ToInt32(out.TimeoutInMillis) != 29000 || out.ConnectionType != types.ConnectionTypeInternet ||
		aws.ToString(out.PayloadFormatVersion) != "1.0" || out.IntegrationResponseSelectionExpression != nil {
		t.Errorf("CreateIntegration = %+v", out)
	}
	iid := out.IntegrationId
	up, err := f.c.UpdateIntegration(ctx, &apigatewayv2.UpdateIntegrationInput{
		ApiId: api, IntegrationId: iid, IntegrationType: types.IntegrationTypeAwsProxy,
		RequestParameters: map[string]string{"integration.request.header.X": "'a'", "integration.request.header.Y": "'b'"},
	})
	if err != nil || len(up.RequestParameters) != 2 {
		t.Fatalf("UpdateIntegration = %+v, %v", up, err)
	}
	// Terraform removes a request parameter by sending it with "".
	up, err = f.c.UpdateIntegration(ctx, &apigatewayv2.UpdateIntegrationInput{
		ApiId: api, IntegrationId: iid, IntegrationType: types.IntegrationTypeAwsProxy,
		RequestParameters: map[string]string{"integration.request.header.X": ""},
	})
	if err != nil || len(up.RequestParameters) != 1 || up.RequestParameters["integration.request.header.Y"] != "'b'" {
		t.Fatalf("UpdateIntegration removing X = %+v, %v", up.RequestParameters, err)
	}
	if l, err := f.c.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: api}); err != nil || len(l.Items) != 1 {
		t.Fatalf("GetIntegrations = %+v, %v", l, err)
	}
	if _, err := f.c.DeleteIntegration(ctx, &apigatewayv2.DeleteIntegrationInput{ApiId: api, IntegrationId: iid}); err != nil {
		t.Fatalf("DeleteIntegration: %v", err)
	}
	_, err = f.c.GetIntegration(ctx, &apigatewayv2.GetIntegrationInput{ApiId: api, IntegrationId: iid})
	wantError(t, err, "NotFoundException", "Invalid Integration identifier specified "+aws.ToString(iid))
}

func TestIntegrationMock(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := aws.ToString(f.wsAPI(t, "chat").ApiId)
	out, err := f.c.GetIntegration(ctx, &apigatewayv2.GetIntegrationInput{ApiId: &api, IntegrationId: aws.String(f.mockIntegration(t, api))})
	if err != nil {
		t.Fatalf("GetIntegration: %v", err)
	}
	if aws.ToString(out.IntegrationResponseSelectionExpression) != "${response.statuscode}" || aws.ToString(out.TemplateSelectionExpression) != `\$default` {
		t.Errorf("mock integration = %+v", out)
	}
}

func TestIntegrationResponses(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := aws.ToString(f.wsAPI(t, "chat").ApiId)
	iid := f.mockIntegration(t, api)
	var ids []*string
	for _, key := range []string{"/200/", "$default"} {
		out, err := f.c.CreateIntegrationResponse(ctx, &apigatewayv2.CreateIntegrationResponseInput{
			ApiId: &api, IntegrationId: &iid, IntegrationResponseKey: aws.String(key),
			ResponseTemplates: map[string]string{"$default": `{"ok":true}`}, TemplateSelectionExpression: aws.String(`\$default`),
		})
		if err != nil {
			t.Fatalf("CreateIntegrationResponse %s: %v", key, err)
		}
		got, err := f.c.GetIntegrationResponse(ctx, &apigatewayv2.GetIntegrationResponseInput{ApiId: &api, IntegrationId: &iid, IntegrationResponseId: out.IntegrationResponseId})
		if err != nil || aws.ToString(got.IntegrationResponseKey) != key || got.ResponseTemplates["$default"] != `{"ok":true}` {
			t.Fatalf("GetIntegrationResponse = %+v, %v", got, err)
		}
		ids = append(ids, out.IntegrationResponseId)
	}
	_, err := f.c.CreateIntegrationResponse(ctx, &apigatewayv2.CreateIntegrationResponseInput{ApiId: &api, IntegrationId: &iid, IntegrationResponseKey: aws.String("200")})
	wantError(t, err, "BadRequestException", "integration response key")
	up, err := f.c.UpdateIntegrationResponse(ctx, &apigatewayv2.UpdateIntegrationResponseInput{ApiId: &api, IntegrationId: &iid, IntegrationResponseId: ids[0], IntegrationResponseKey: aws.String(`/2\d\d/`)})
	if err != nil || aws.ToString(up.IntegrationResponseKey) != `/2\d\d/` {
		t.Fatalf("UpdateIntegrationResponse = %+v, %v", up, err)
	}
	if l, err := f.c.GetIntegrationResponses(ctx, &apigatewayv2.GetIntegrationResponsesInput{ApiId: &api, IntegrationId: &iid}); err != nil || len(l.Items) != 2 {
		t.Fatalf("GetIntegrationResponses = %+v, %v", l, err)
	}
	if _, err := f.c.DeleteIntegrationResponse(ctx, &apigatewayv2.DeleteIntegrationResponseInput{ApiId: &api, IntegrationId: &iid, IntegrationResponseId: ids[0]}); err != nil {
		t.Fatalf("DeleteIntegrationResponse: %v", err)
	}
	_, err = f.c.GetIntegrationResponse(ctx, &apigatewayv2.GetIntegrationResponseInput{ApiId: &api, IntegrationId: &iid, IntegrationResponseId: ids[0]})
	wantError(t, err, "NotFoundException", "Invalid IntegrationResponse identifier")
}

func TestIntegrationErrors(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := aws.ToString(f.wsAPI(t, "chat").ApiId)
	for name, in := range map[string]apigatewayv2.CreateIntegrationInput{
		"proxy uri not an invoke ARN": {IntegrationType: types.IntegrationTypeAwsProxy, IntegrationUri: aws.String("arn:aws:lambda:us-east-1:123456789012:function:onConnect")},
		"proxy without uri":           {IntegrationType: types.IntegrationTypeAwsProxy},
		"http proxy not a URL":        {IntegrationType: types.IntegrationTypeHttpProxy, IntegrationUri: aws.String("example.com")},
		"bad type":                    {IntegrationType: "LAMBDA"},
		"timeout too long":            {IntegrationType: types.IntegrationTypeMock, TimeoutInMillis: aws.Int32(30000)},
		"payload 2.0":                 {IntegrationType: types.IntegrationTypeMock, PayloadFormatVersion: aws.String("2.0")},
	} {
		in.ApiId = &api
		_, err := f.c.CreateIntegration(ctx, &in)
		if err == nil {
			t.Errorf("%s: CreateIntegration succeeded", name)
			continue
		}
		wantError(t, err, "BadRequestException", "")
	}
	_, err := f.c.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{ApiId: &api, IntegrationType: types.IntegrationTypeAwsProxy, IntegrationUri: aws.String("https://example.com")})
	wantError(t, err, "BadRequestException", "Invalid ARN specified in the request")
	iid := f.mockIntegration(t, api)
	f.route(t, api, "$default", iid)
	_, err = f.c.DeleteIntegration(ctx, &apigatewayv2.DeleteIntegrationInput{ApiId: &api, IntegrationId: &iid})
	wantError(t, err, "ConflictException", "route")
}
