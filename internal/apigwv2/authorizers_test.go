package apigwv2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/iotemu/iotemu/internal/apigwv2"
)

const authURI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"

func (f *fixture) authorizer(tb testing.TB, apiID string) string {
	tb.Helper()
	out, err := f.c.CreateAuthorizer(ctx, &apigatewayv2.CreateAuthorizerInput{
		ApiId: &apiID, Name: aws.String("wsAuth"), AuthorizerType: types.AuthorizerTypeRequest,
		IdentitySource: []string{"route.request.querystring.token"}, AuthorizerUri: aws.String(authURI),
	})
	if err != nil {
		tb.Fatalf("CreateAuthorizer: %v", err)
	}
	return aws.ToString(out.AuthorizerId)
}

func TestAuthorizers(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := aws.ToString(f.wsAPI(t, "chat").ApiId)
	aid := f.authorizer(t, api)
	matches(t, "authorizerId", `^[a-z0-9]{6}$`, aid)
	got, err := f.c.GetAuthorizer(ctx, &apigatewayv2.GetAuthorizerInput{ApiId: &api, AuthorizerId: &aid})
	if err != nil || aws.ToString(got.AuthorizerUri) != authURI || got.AuthorizerType != types.AuthorizerTypeRequest || got.IdentitySource[0] != "route.request.querystring.token" {
		t.Fatalf("GetAuthorizer = %+v, %v", got, err)
	}
	up, err := f.c.UpdateAuthorizer(ctx, &apigatewayv2.UpdateAuthorizerInput{ApiId: &api, AuthorizerId: &aid, IdentitySource: []string{"route.request.header.Auth"}})
	if err != nil || up.IdentitySource[0] != "route.request.header.Auth" || aws.ToString(up.Name) != "wsAuth" {
		t.Fatalf("UpdateAuthorizer = %+v, %v", up, err)
	}
	if l, err := f.c.GetAuthorizers(ctx, &apigatewayv2.GetAuthorizersInput{ApiId: &api}); err != nil || len(l.Items) != 1 {
		t.Fatalf("GetAuthorizers = %+v, %v", l, err)
	}
	rt, err := f.c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: &api, RouteKey: aws.String("$connect"), AuthorizationType: types.AuthorizationTypeCustom, AuthorizerId: &aid})
	if err != nil {
		t.Fatalf("CreateRoute: %v", err)
	}
	// In use: ConflictException, which Terraform retries.
	_, err = f.c.DeleteAuthorizer(ctx, &apigatewayv2.DeleteAuthorizerInput{ApiId: &api, AuthorizerId: &aid})
	wantError(t, err, "ConflictException", "used by route")
	if _, err := f.c.DeleteRoute(ctx, &apigatewayv2.DeleteRouteInput{ApiId: &api, RouteId: rt.RouteId}); err != nil {
		t.Fatalf("DeleteRoute: %v", err)
	}
	if _, err := f.c.DeleteAuthorizer(ctx, &apigatewayv2.DeleteAuthorizerInput{ApiId: &api, AuthorizerId: &aid}); err != nil {
		t.Fatalf("DeleteAuthorizer: %v", err)
	}
	_, err = f.c.GetAuthorizer(ctx, &apigatewayv2.GetAuthorizerInput{ApiId: &api, AuthorizerId: &aid})
	wantError(t, err, "NotFoundException", "Invalid Authorizer identifier specified "+aid)
}

func TestAuthorizerErrors(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := aws.ToString(f.wsAPI(t, "chat").ApiId)
	for name, in := range map[string]apigatewayv2.CreateAuthorizerInput{
		"JWT on WebSocket":    {Name: aws.String("a"), AuthorizerType: types.AuthorizerTypeJwt, IdentitySource: []string{"route.request.header.A"}},
		"uri not invoke ARN":  {Name: aws.String("a"), AuthorizerType: types.AuthorizerTypeRequest, IdentitySource: []string{"route.request.header.A"}, AuthorizerUri: aws.String("arn:aws:lambda:us-east-1:123456789012:function:auth")},
		"bad identity source": {Name: aws.String("a"), AuthorizerType: types.AuthorizerTypeRequest, IdentitySource: []string{"$request.header.A"}, AuthorizerUri: aws.String(authURI)},
	} {
		in.ApiId = &api
		_, err := f.c.CreateAuthorizer(ctx, &in)
		if err == nil {
			t.Errorf("%s: CreateAuthorizer succeeded", name)
			continue
		}
		wantError(t, err, "BadRequestException", "")
	}
}
