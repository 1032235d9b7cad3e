package apigwv2_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/smithy-go"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/internal/apigwv2"
)

const (
	region  = "us-east-1"
	account = "123456789012"
	// onConnect is a Lambda invoke URI, the integrationUri of AWS_PROXY.
	onConnect = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:onConnect/invocations"
)

var ctx = context.Background()

// fakeInstaller records what the control plane serves.
type fakeInstaller struct {
	mu      sync.Mutex
	apis    map[string]apigw.API // by stage
	removed []string
	fail    error
}

func (f *fakeInstaller) PutAPI(a apigw.API) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	if f.apis == nil {
		f.apis = map[string]apigw.API{}
	}
	f.apis[a.Stage] = a
	return nil
}

func (f *fakeInstaller) RemoveAPI(stage string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.apis[stage]
	delete(f.apis, stage)
	f.removed = append(f.removed, stage)
	return ok
}

func (f *fakeInstaller) served(stage string) (apigw.API, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.apis[stage]
	return a, ok
}

// fixture is a Service behind an httptest server and an SDK client of it.
type fixture struct {
	svc       *apigwv2.Service
	installer *fakeInstaller
	url       string
	c         *apigatewayv2.Client
}

func newFixture(tb testing.TB, cfg apigwv2.Config) *fixture {
	tb.Helper()
	f := &fixture{installer: &fakeInstaller{}}
	if cfg.Installer == nil {
		cfg.Installer = f.installer
	}
	f.svc = apigwv2.New(cfg)
	srv := httptest.NewServer(f.svc.Handler())
	tb.Cleanup(srv.Close)
	f.url = srv.URL
	f.c = newClient(srv.URL)
	return f
}

func newClient(url string) *apigatewayv2.Client {
	return apigatewayv2.New(apigatewayv2.Options{
		Region:           region,
		BaseEndpoint:     aws.String(url),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		RetryMaxAttempts: 1,
	})
}

// wsAPI creates a WebSocket API routed on $request.body.action.
func (f *fixture) wsAPI(tb testing.TB, name string) *apigatewayv2.CreateApiOutput {
	tb.Helper()
	out, err := f.c.CreateApi(ctx, &apigatewayv2.CreateApiInput{
		Name: aws.String(name), ProtocolType: types.ProtocolTypeWebsocket,
		RouteSelectionExpression: aws.String("$request.body.action"),
	})
	if err != nil {
		tb.Fatalf("CreateApi: %v", err)
	}
	return out
}

func (f *fixture) mockIntegration(tb testing.TB, apiID string) string {
	tb.Helper()
	out, err := f.c.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{
		ApiId: aws.String(apiID), IntegrationType: types.IntegrationTypeMock,
		RequestTemplates: map[string]string{"$default": `{"statusCode":200}`}, TemplateSelectionExpression: aws.String(`\$default`),
	})
	if err != nil {
		tb.Fatalf("CreateIntegration: %v", err)
	}
	return aws.ToString(out.IntegrationId)
}

func (f *fixture) route(tb testing.TB, apiID, key, integrationID string) string {
	tb.Helper()
	out, err := f.c.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{
		ApiId: aws.String(apiID), RouteKey: aws.String(key), Target: aws.String("integrations/" + integrationID),
	})
	if err != nil {
		tb.Fatalf("CreateRoute %s: %v", key, err)
	}
	return aws.ToString(out.RouteId)
}

// wantError checks that err is the API error code (the x-amzn-ErrorType
// the SDK read) whose message contains msg. Codes an operation does not
// model (ConflictException on Delete*) reach the SDK as generic API
// errors, so the code is compared rather than the Go type.
func wantError(tb testing.TB, err error, code, msg string) {
	tb.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		tb.Fatalf("got error %v (%T), want %s", err, err, code)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		tb.Errorf("got %s %q, want %s containing %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func matches(tb testing.TB, what, pattern, s string) {
	tb.Helper()
	if !regexp.MustCompile(pattern).MatchString(s) {
		tb.Errorf("%s %q does not match %s", what, s, pattern)
	}
}
