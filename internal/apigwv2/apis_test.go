package apigwv2_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/iotemu/iotemu/internal/apigwv2"
)

func TestCreateAPIWebSocket(t *testing.T) {
	now := time.Date(2018, 11, 15, 6, 23, 51, 0, time.UTC)
	f := newFixture(t, apigwv2.Config{Now: func() time.Time { return now }})
	out, err := f.c.CreateApi(ctx, &apigatewayv2.CreateApiInput{
		Name: aws.String("chat"), ProtocolType: types.ProtocolTypeWebsocket,
		RouteSelectionExpression: aws.String("$request.body.action"), Tags: map[string]string{"env": "dev"},
	})
	if err != nil {
		t.Fatalf("CreateApi: %v", err)
	}
	id := aws.ToString(out.ApiId)
	matches(t, "apiId", `^[a-z0-9]{10}$`, id)
	if got, want := aws.ToString(out.ApiEndpoint), "wss://"+id+".execute-api.us-east-1.amazonaws.com"; got != want {
		t.Errorf("apiEndpoint %q, want %q", got, want)
	}
	if got := aws.ToString(out.ApiKeySelectionExpression); got != "$request.header.x-api-key" {
		t.Errorf("apiKeySelectionExpression %q", got)
	}
	if !out.CreatedDate.Equal(now) || out.IpAddressType != types.IpAddressTypeIpv4 || out.Tags["env"] != "dev" {
		t.Errorf("createdDate %v, ipAddressType %q, tags %v", out.CreatedDate, out.IpAddressType, out.Tags)
	}

	got, err := f.c.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: out.ApiId})
	if err != nil {
		t.Fatalf("GetApi: %v", err)
	}
	if aws.ToString(got.Name) != "chat" || got.ProtocolType != types.ProtocolTypeWebsocket ||
		aws.ToString(got.RouteSelectionExpression) != "$request.body.action" || got.Tags["env"] != "dev" {
		t.Errorf("GetApi = %+v", got)
	}
}

func TestAPIEndpointFromConfig(t *testing.T) {
	f := newFixture(t, apigwv2.Config{Endpoint: func(string) string { return "ws://127.0.0.1:4510" }})
	out := f.wsAPI(t, "chat")
	if got := aws.ToString(out.ApiEndpoint); got != "ws://127.0.0.1:4510" {
		t.Errorf("apiEndpoint %q", got)
	}
}

func TestGetAPIsPages(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	want := map[string]bool{}
	for _, n := range []string{"a", "b", "c"} {
		want[aws.ToString(f.wsAPI(t, n).ApiId)] = true
	}
	if _, err := f.c.CreateApi(ctx, &apigatewayv2.CreateApiInput{Name: aws.String("h"), ProtocolType: types.ProtocolTypeHttp}); err != nil {
		t.Fatalf("CreateApi HTTP: %v", err)
	}
	var seen []string
	var token *string
	for {
		out, err := f.c.GetApis(ctx, &apigatewayv2.GetApisInput{MaxResults: aws.String("2"), NextToken: token})
		if err != nil {
			t.Fatalf("GetApis: %v", err)
		}
		for _, a := range out.Items {
			seen = append(seen, aws.ToString(a.Name))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(seen) != 4 || seen[0] != "a" || seen[3] != "h" {
		t.Errorf("pages gave %v, want a b c h", seen)
	}
	if _, err := f.c.GetApis(ctx, &apigatewayv2.GetApisInput{NextToken: aws.String("bogus")}); err == nil {
		t.Error("GetApis with a bogus token succeeded")
	}
}

func TestUpdateAndDeleteAPI(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	id := f.wsAPI(t, "chat").ApiId
	up, err := f.c.UpdateApi(ctx, &apigatewayv2.UpdateApiInput{ApiId: id, Description: aws.String("v2"), RouteSelectionExpression: aws.String("${request.body.type}")})
	if err != nil {
		t.Fatalf("UpdateApi: %v", err)
	}
	if aws.ToString(up.Description) != "v2" || aws.ToString(up.Name) != "chat" || aws.ToString(up.RouteSelectionExpression) != "${request.body.type}" || up.ProtocolType != types.ProtocolTypeWebsocket {
		t.Errorf("UpdateApi = %+v", up)
	}
	if _, err := f.c.DeleteCorsConfiguration(ctx, &apigatewayv2.DeleteCorsConfigurationInput{ApiId: id}); err != nil {
		t.Errorf("DeleteCorsConfiguration: %v", err)
	}
	if _, err := f.c.DeleteApi(ctx, &apigatewayv2.DeleteApiInput{ApiId: id}); err != nil {
		t.Fatalf("DeleteApi: %v", err)
	}
	_, err = f.c.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: id})
	wantError(t, err, "NotFoundException", "Invalid API identifier specified 123456789012:"+aws.ToString(id))
}

func TestCreateAPIErrors(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	for name, in := range map[string]*apigatewayv2.CreateApiInput{
		"no route selection":  {Name: aws.String("x"), ProtocolType: types.ProtocolTypeWebsocket},
		"bad route selection": {Name: aws.String("x"), ProtocolType: types.ProtocolTypeWebsocket, RouteSelectionExpression: aws.String("$request.method $request.path")},
		"bad protocol":        {Name: aws.String("x"), ProtocolType: "MQTT", RouteSelectionExpression: aws.String("$request.body.action")},
		"bad api key expr":    {Name: aws.String("x"), ProtocolType: types.ProtocolTypeWebsocket, RouteSelectionExpression: aws.String("$request.body.action"), ApiKeySelectionExpression: aws.String("$request.header.key")},
		"quick create on ws":  {Name: aws.String("x"), ProtocolType: types.ProtocolTypeWebsocket, RouteSelectionExpression: aws.String("$request.body.action"), Target: aws.String(onConnect)},
	} {
		_, err := f.c.CreateApi(ctx, in)
		if err == nil {
			t.Errorf("%s: CreateApi succeeded", name)
			continue
		}
		wantError(t, err, "BadRequestException", "")
	}
	_, err := f.c.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: aws.String("zzzzzzzzzz")})
	wantError(t, err, "NotFoundException", "Invalid API identifier specified 123456789012:zzzzzzzzzz")
}
