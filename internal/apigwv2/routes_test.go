package apigwv2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/iotemu/iotemu/internal/apigwv2"
)

func TestRoutes(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := f.wsAPI(t, "chat").ApiId
	iid := f.mockIntegration(t, aws.ToString(api))
	out, err := f.c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{
		ApiId: api, RouteKey: aws.String("sendMessage"), Target: aws.String("integrations/" + iid),
		RouteResponseSelectionExpression: aws.String("$default"),
		RequestParameters:                map[string]types.ParameterConstraints{"route.request.header.X": {Required: aws.Bool(true)}},
	})
	if err != nil {
		t.Fatalf("CreateRoute: %v", err)
	}
	matches(t, "routeId", `^[a-z0-9]{7}$`, aws.ToString(out.RouteId))
	if out.AuthorizationType != types.AuthorizationTypeNone || aws.ToBool(out.ApiKeyRequired) || out.ApiKeyRequired == nil {
		t.Errorf("defaults: authorizationType %q, apiKeyRequired %v", out.AuthorizationType, out.ApiKeyRequired)
	}
	if aws.ToString(out.Target) != "integrations/"+iid {
		t.Errorf("target %q", aws.ToString(out.Target))
	}
	rid := out.RouteId
	up, err := f.c.UpdateRoute(ctx, &apigatewayv2.UpdateRouteInput{ApiId: api, RouteId: rid, OperationName: aws.String("send")})
	if err != nil || aws.ToString(up.OperationName) != "send" || aws.ToString(up.RouteKey) != "sendMessage" {
		t.Fatalf("UpdateRoute = %+v, %v", up, err)
	}
	if _, err := f.c.DeleteRouteRequestParameter(ctx, &apigatewayv2.DeleteRouteRequestParameterInput{ApiId: api, RouteId: rid, RequestParameterKey: aws.String("route.request.header.X")}); err != nil {
		t.Fatalf("DeleteRouteRequestParameter: %v", err)
	}
	got, err := f.c.GetRoute(ctx, &apigatewayv2.GetRouteInput{ApiId: api, RouteId: rid})
	if err != nil || len(got.RequestParameters) != 0 {
		t.Fatalf("GetRoute = %+v, %v", got, err)
	}
	list, err := f.c.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: api})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("GetRoutes = %+v, %v", list, err)
	}
	if _, err := f.c.DeleteRoute(ctx, &apigatewayv2.DeleteRouteInput{ApiId: api, RouteId: rid}); err != nil {
		t.Fatalf("DeleteRoute: %v", err)
	}
	_, err = f.c.GetRoute(ctx, &apigatewayv2.GetRouteInput{ApiId: api, RouteId: rid})
	wantError(t, err, "NotFoundException", "Invalid Route identifier specified "+aws.ToString(rid))
}

func TestRouteResponses(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := aws.ToString(f.wsAPI(t, "chat").ApiId)
	rid := f.route(t, api, "$default", f.mockIntegration(t, api))
	out, err := f.c.CreateRouteResponse(ctx, &apigatewayv2.CreateRouteResponseInput{ApiId: &api, RouteId: &rid, RouteResponseKey: aws.String("$default")})
	if err != nil {
		t.Fatalf("CreateRouteResponse: %v", err)
	}
	matches(t, "routeResponseId", `^[a-z0-9]{7}$`, aws.ToString(out.RouteResponseId))
	_, err = f.c.CreateRouteResponse(ctx, &apigatewayv2.CreateRouteResponseInput{ApiId: &api, RouteId: &rid, RouteResponseKey: aws.String("ok")})
	wantError(t, err, "BadRequestException", "$default")
	up, err := f.c.UpdateRouteResponse(ctx, &apigatewayv2.UpdateRouteResponseInput{ApiId: &api, RouteId: &rid, RouteResponseId: out.RouteResponseId, ModelSelectionExpression: aws.String("$default")})
	if err != nil || aws.ToString(up.ModelSelectionExpression) != "$default" {
		t.Fatalf("UpdateRouteResponse = %+v, %v", up, err)
	}
	if got, err := f.c.GetRouteResponse(ctx, &apigatewayv2.GetRouteResponseInput{ApiId: &api, RouteId: &rid, RouteResponseId: out.RouteResponseId}); err != nil || aws.ToString(got.RouteResponseKey) != "$default" {
		t.Fatalf("GetRouteResponse = %+v, %v", got, err)
	}
	if l, err := f.c.GetRouteResponses(ctx, &apigatewayv2.GetRouteResponsesInput{ApiId: &api, RouteId: &rid}); err != nil || len(l.Items) != 1 {
		t.Fatalf("GetRouteResponses = %+v, %v", l, err)
	}
	if _, err := f.c.DeleteRouteResponse(ctx, &apigatewayv2.DeleteRouteResponseInput{ApiId: &api, RouteId: &rid, RouteResponseId: out.RouteResponseId}); err != nil {
		t.Fatalf("DeleteRouteResponse: %v", err)
	}
	_, err = f.c.GetRouteResponse(ctx, &apigatewayv2.GetRouteResponseInput{ApiId: &api, RouteId: &rid, RouteResponseId: out.RouteResponseId})
	wantError(t, err, "NotFoundException", "Invalid RouteResponse identifier")
}

func TestRouteErrors(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := aws.ToString(f.wsAPI(t, "chat").ApiId)
	iid := f.mockIntegration(t, api)
	f.route(t, api, "join", iid)
	auth := f.authorizer(t, api)
	cases := []struct {
		name string
		in   apigatewayv2.CreateRouteInput
		bad  bool // BadRequest, else Conflict
	}{
		{"reserved $ prefix", apigatewayv2.CreateRouteInput{RouteKey: aws.String("$join")}, true},
		{"duplicate key", apigatewayv2.CreateRouteInput{RouteKey: aws.String("join")}, false},
		{"missing integration", apigatewayv2.CreateRouteInput{RouteKey: aws.String("x"), Target: aws.String("integrations/nothere")}, true},
		{"bad target", apigatewayv2.CreateRouteInput{RouteKey: aws.String("x"), Target: aws.String(iid)}, true},
		{"JWT", apigatewayv2.CreateRouteInput{RouteKey: aws.String("$connect"), AuthorizationType: types.AuthorizationTypeJwt, AuthorizerId: &auth}, true},
		{"custom off $connect", apigatewayv2.CreateRouteInput{RouteKey: aws.String("x"), AuthorizationType: types.AuthorizationTypeCustom, AuthorizerId: &auth}, true},
		{"custom without authorizer", apigatewayv2.CreateRouteInput{RouteKey: aws.String("$connect"), AuthorizationType: types.AuthorizationTypeCustom}, true},
		{"two-way not $default", apigatewayv2.CreateRouteInput{RouteKey: aws.String("x"), RouteResponseSelectionExpression: aws.String("$ok")}, true},
	}
	for _, c := range cases {
		in := c.in
		in.ApiId = &api
		_, err := f.c.CreateRoute(ctx, &in)
		if c.bad {
			wantError(t, err, "BadRequestException", "")
		} else {
			wantError(t, err, "ConflictException", "already exists")
		}
	}
	_, err := f.c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: aws.String("zzzzzzzzzz"), RouteKey: aws.String("x")})
	wantError(t, err, "NotFoundException", "Invalid API identifier specified 123456789012:zzzzzzzzzz")
	_, err = f.c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: &api, RouteKey: aws.String("x"), AuthorizationType: types.AuthorizationTypeCustom, AuthorizerId: &auth})
	wantError(t, err, "BadRequestException", "Currently, authorization is restricted to the $connect route only")
	if _, err := f.c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: &api, RouteKey: aws.String("$connect"), AuthorizationType: types.AuthorizationTypeCustom, AuthorizerId: &auth}); err != nil {
		t.Errorf("CUSTOM on $connect: %v", err)
	}
}
