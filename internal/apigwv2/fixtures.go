package apigwv2

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/fixtures"
)

// fixedAPIIDKey carries the apiId a fixture asks for into CreateApi (AWS
// always chooses it; a fixtures file may name it, so that URLs are known
// before start).
type fixedAPIIDKey struct{}

// apiIDPattern is an apiId: 10 lowercase letters and digits.
var apiIDPattern = regexp.MustCompile(`^[a-z0-9]{10}$`)

// ApplyFixture declares a fixtures file's WebSocket API with the same
// operations a user runs with the AWS CLI or Terraform, in process:
// CreateApi, CreateIntegration (AWS_PROXY with a Lambda invoke URI,
// HTTP_PROXY, MOCK) and its integration response, CreateAuthorizer
// (REQUEST), CreateRoute (the $connect route CUSTOM when there is an
// authorizer) and its $default route response on two-way routes, then
// CreateStage with autoDeploy, which serves it. So the API Gateway port
// serves exactly what the control plane holds, and GetApis lists it. It
// returns the apiId; an operation's AWS error is returned as it is.
func (s *Service) ApplyFixture(ctx context.Context, fa fixtures.API) (string, error) {
	var api API
	rse := fa.RouteSelectionExpression
	if rse == "" {
		rse = "$request.body.action"
	}
	name := fa.Name
	if name == "" {
		name = "fixture"
	}
	cctx := context.WithValue(ctx, fixedAPIIDKey{}, fa.ID)
	if err := s.call(cctx, http.MethodPost, "/v2/apis", map[string]any{
		"name": name, "protocolType": protocolWebSocket, "routeSelectionExpression": rse,
	}, &api); err != nil {
		return "", fmt.Errorf("CreateApi: %w", err)
	}
	err := s.declareFixture(ctx, api.APIID, fa)
	if err != nil {
		// Nothing half-declared stays behind.
		err = errors.Join(err, s.call(ctx, http.MethodDelete, "/v2/apis/"+api.APIID, nil, nil))
		return "", err
	}
	return api.APIID, nil
}

func (s *Service) declareFixture(ctx context.Context, apiID string, fa fixtures.API) error {
	base := "/v2/apis/" + apiID
	var authorizerID string
	if fz := fa.Authorizer; fz != nil {
		name := fz.Name
		if name == "" {
			name = "authorizer"
		}
		var a Authorizer
		if err := s.call(ctx, http.MethodPost, base+"/authorizers", map[string]any{
			"name": name, "authorizerType": "REQUEST", "identitySource": fz.IdentitySource,
			"authorizerUri": s.invokeURI(fz.Function),
		}, &a); err != nil {
			return fmt.Errorf("authorizer: CreateAuthorizer: %w", err)
		}
		authorizerID = a.AuthorizerID
	}
	routes := fa.Routes
	if authorizerID != "" && !hasRoute(routes, apigw.KeyConnect) {
		// The authorizer runs at $connect, which needs a route: one that
		// accepts, as an API without a $connect route does.
		routes = append(routes, fixtures.APIRoute{Key: apigw.KeyConnect, Integration: fixtures.APIIntegration{Mock: &fixtures.APIMock{}}})
	}
	for _, r := range routes {
		if err := s.declareRoute(ctx, base, r, authorizerID); err != nil {
			return fmt.Errorf("route %s: %w", r.Key, err)
		}
	}
	stage := fa.Stage
	if stage == "" {
		stage = "prod"
	}
	var sg Stage
	if err := s.call(ctx, http.MethodPost, base+"/stages", map[string]any{"stageName": stage, "autoDeploy": true}, &sg); err != nil {
		return fmt.Errorf("stage %s: CreateStage: %w", stage, err)
	}
	if sg.DeploymentID == "" {
		return fmt.Errorf("stage %s: not deployed: %s", stage, sg.LastDeploymentStatusMessage)
	}
	return nil
}

func hasRoute(routes []fixtures.APIRoute, key string) bool {
	for _, r := range routes {
		if r.Key == key {
			return true
		}
	}
	return false
}

func (s *Service) declareRoute(ctx context.Context, base string, r fixtures.APIRoute, authorizerID string) error {
	body, responses, err := s.integrationOfFixture(r.Integration)
	if err != nil {
		return err
	}
	var in Integration
	if err := s.call(ctx, http.MethodPost, base+"/integrations", body, &in); err != nil {
		return fmt.Errorf("CreateIntegration: %w", err)
	}
	for _, ir := range responses {
		if err := s.call(ctx, http.MethodPost, base+"/integrations/"+in.IntegrationID+"/integrationresponses", ir, nil); err != nil {
			return fmt.Errorf("CreateIntegrationResponse: %w", err)
		}
	}
	route := map[string]any{"routeKey": r.Key, "target": targetPrefix + in.IntegrationID}
	if r.RouteResponseSelectionExpression != "" {
		route["routeResponseSelectionExpression"] = r.RouteResponseSelectionExpression
	}
	if r.Key == apigw.KeyConnect && authorizerID != "" {
		route["authorizationType"], route["authorizerId"] = authCustom, authorizerID
	}
	var rt Route
	if err := s.call(ctx, http.MethodPost, base+"/routes", route, &rt); err != nil {
		return fmt.Errorf("CreateRoute: %w", err)
	}
	if r.RouteResponseSelectionExpression == apigw.KeyDefault {
		if err := s.call(ctx, http.MethodPost, base+"/routes/"+rt.RouteID+"/routeresponses",
			map[string]any{"routeResponseKey": apigw.KeyDefault}, nil); err != nil {
			return fmt.Errorf("CreateRouteResponse: %w", err)
		}
	}
	return nil
}

// integrationOfFixture is the CreateIntegration body of a fixture's
// integration, and its integration responses (a MOCK's answer).
func (s *Service) integrationOfFixture(fi fixtures.APIIntegration) (map[string]any, []map[string]any, error) {
	switch {
	case fi.Function != "":
		return map[string]any{"integrationType": typeAWSProxy, "integrationMethod": http.MethodPost, "integrationUri": s.invokeURI(fi.Function)}, nil, nil
	case fi.HTTP != nil:
		method := fi.HTTP.Method
		if method == "" {
			method = http.MethodPost
		}
		return map[string]any{"integrationType": typeHTTPProxy, "integrationMethod": method, "integrationUri": fi.HTTP.URL}, nil, nil
	case fi.Mock != nil:
		status := fi.Mock.StatusCode
		if status == 0 {
			status = http.StatusOK
		}
		in := map[string]any{
			"integrationType": typeMock, "templateSelectionExpression": `\$default`,
			"requestTemplates": map[string]string{apigw.KeyDefault: `{"statusCode": ` + strconv.Itoa(status) + `}`},
		}
		ir := map[string]any{"integrationResponseKey": apigw.KeyDefault, "templateSelectionExpression": `\$default`}
		if fi.Mock.Body != "" {
			ir["responseTemplates"] = map[string]string{apigw.KeyDefault: fi.Mock.Body}
		}
		if len(fi.Mock.Headers) > 0 {
			params := map[string]string{}
			for k, v := range fi.Mock.Headers {
				params[mockHeaderPrefix+k] = "'" + v + "'"
			}
			ir["responseParameters"] = params
		}
		return in, []map[string]any{ir}, nil
	}
	return nil, nil, errors.New("no integration")
}

// invokeURI is the Lambda invoke URI of a function given by name or ARN.
func (s *Service) invokeURI(fn string) string {
	arn := fn
	if !strings.HasPrefix(fn, "arn:") {
		arn = fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", s.cfg.Region, s.cfg.AccountID, fn)
	}
	return fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", s.cfg.Region, arn)
}
