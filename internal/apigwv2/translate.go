package apigwv2

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/iotemu/iotemu/apigw"
)

// translate turns a deployed snapshot on a stage into the apigw.API the
// mimic serves: AWS_PROXY integrations become apigw.Function (the function
// ARN of the Lambda invoke URI, stage variables expanded), HTTP_PROXY
// apigw.HTTPProxy, MOCK apigw.Mock, and the $connect route's CUSTOM
// authorizer the API's apigw.Authorizer.
func translate(a API, snap *snapshot, sg *Stage) (apigw.API, error) {
	vars := maps.Clone(sg.StageVariables)
	out := apigw.API{
		ID: a.APIID, Name: a.Name, Stage: sg.StageName,
		RouteSelectionExpression: snap.RouteSelectionExpression, StageVariables: vars,
	}
	for _, rt := range snap.Routes {
		in, ok := snap.integrationOf(rt)
		if !ok {
			return out, fmt.Errorf("route %s has no integration", rt.RouteKey)
		}
		backend, err := integrationFor(in, snap.IntegrationResponses[in.IntegrationID], vars)
		if err != nil {
			return out, fmt.Errorf("route %s: %w", rt.RouteKey, err)
		}
		out.Routes = append(out.Routes, apigw.Route{Key: rt.RouteKey, Integration: backend, TwoWay: snap.twoWay(rt)})
		if rt.RouteKey == apigw.KeyConnect && rt.AuthorizationType == authCustom {
			if out.Authorizer, err = authorizerFor(snap.Authorizers[rt.AuthorizerID], vars); err != nil {
				return out, fmt.Errorf("route %s: %w", rt.RouteKey, err)
			}
		}
	}
	return out, nil
}

// twoWay: the route sends the integration's response back when it has
// routeResponseSelectionExpression $default and a $default route response.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-selection-expressions.html#apigateway-websocket-api-route-response-selection-expressions
func (snap *snapshot) twoWay(rt Route) bool {
	return rt.RouteResponseSelectionExpression == apigw.KeyDefault &&
		slices.ContainsFunc(snap.RouteResponses[rt.RouteID], func(rr RouteResponse) bool { return rr.RouteResponseKey == apigw.KeyDefault })
}

func integrationFor(in Integration, irs []IntegrationResponse, vars map[string]string) (apigw.Integration, error) {
	switch in.IntegrationType {
	case typeAWSProxy:
		fn, err := deployedFunction(in.IntegrationURI, vars)
		if err != nil {
			return nil, fmt.Errorf("integration %s: %w", in.IntegrationID, err)
		}
		return apigw.Function(fn), nil
	case typeHTTPProxy:
		return &apigw.HTTPProxy{URL: expand(in.IntegrationURI, vars), Method: in.IntegrationMethod}, nil
	case typeMock:
		return mockFor(in, irs), nil
	}
	return notEmulated(in), nil
}

// deployedFunction is the function ARN of a Lambda invoke URI with the
// stage's variables expanded.
func deployedFunction(uri string, vars map[string]string) (string, error) {
	fn, ok := functionOf(expand(uri, vars))
	if !ok || strings.Contains(fn, "${") {
		return "", fmt.Errorf("uri %q with this stage's variables is not a Lambda function invocation URI", uri)
	}
	return fn, nil
}

// notEmulated is the backend of AWS and HTTP (non-proxy) integrations,
// which need mapping templates the mimic does not evaluate: every call
// fails, so clients see API Gateway's integration failure.
func notEmulated(in Integration) apigw.Integration {
	return apigw.IntegrationFunc(func(context.Context, []byte) ([]byte, error) {
		return nil, fmt.Errorf("integration %s: type %s is not emulated (docs/compatibility.md, apigatewayv2 control plane)", in.IntegrationID, in.IntegrationType)
	})
}

// mockFor answers what a MOCK integration answers without evaluating VTL:
// the statusCode of its selected request template ({"statusCode": 200}),
// and the selected response template of the integration response whose
// key matches that status (a /regex/ before $default) as the body.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "MOCK integrations".
func mockFor(in Integration, irs []IntegrationResponse) apigw.Mock {
	m := apigw.Mock{StatusCode: 200}
	if t, ok := pickTemplate(in.RequestTemplates, in.TemplateSelectionExpression); ok {
		var v struct {
			StatusCode int `json:"statusCode"`
		}
		if json.Unmarshal([]byte(t), &v) == nil && v.StatusCode != 0 {
			m.StatusCode = v.StatusCode
		}
	}
	if ir, ok := matchResponse(irs, strconv.Itoa(m.StatusCode)); ok {
		m.Body, _ = pickTemplate(ir.ResponseTemplates, ir.TemplateSelectionExpression)
		m.Headers = staticHeaders(ir.ResponseParameters)
	}
	return m
}

// mockHeaderPrefix names a response header in an integration response's
// responseParameters: "route.response.header.Sec-WebSocket-Protocol":
// "'chat'" answers that header (static, single-quoted values only) with a
// MOCK's $connect. iotemu's reading, unconfirmed on AWS
// (docs/compatibility.md "apigatewayv2 control plane" "MOCK integrations").
const mockHeaderPrefix = "route.response.header."

func staticHeaders(params map[string]string) map[string]string {
	var out map[string]string
	for k, v := range params {
		name, ok := strings.CutPrefix(k, mockHeaderPrefix)
		if !ok || len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[name] = v[1 : len(v)-1]
	}
	return out
}

// pickTemplate selects a template by a static selection expression
// ("\$default" selects "$default"), else the $default one, else the only one.
func pickTemplate(templates map[string]string, sel string) (string, bool) {
	if key := strings.ReplaceAll(sel, `\$`, "$"); key != "" && !strings.Contains(strings.ReplaceAll(key, "$default", ""), "$") {
		if t, ok := templates[key]; ok {
			return t, true
		}
	}
	if t, ok := templates[apigw.KeyDefault]; ok {
		return t, true
	}
	if len(templates) == 1 {
		for _, t := range templates {
			return t, true
		}
	}
	return "", false
}

func matchResponse(irs []IntegrationResponse, status string) (IntegrationResponse, bool) {
	var def *IntegrationResponse
	for i, ir := range irs {
		if ir.IntegrationResponseKey == apigw.KeyDefault {
			def = &irs[i]
			continue
		}
		if re, err := keyPattern(ir.IntegrationResponseKey); err == nil && re.MatchString(status) {
			return ir, true
		}
	}
	if def != nil {
		return *def, true
	}
	return IntegrationResponse{}, false
}

// authorizerFor is a REQUEST authorizer as the mimic runs it; identity
// sources other than request headers and query strings are not checked.
func authorizerFor(a Authorizer, vars map[string]string) (*apigw.Authorizer, error) {
	fn, err := deployedFunction(a.AuthorizerURI, vars)
	if err != nil {
		return nil, fmt.Errorf("authorizer %s: %w", a.AuthorizerID, err)
	}
	out := &apigw.Authorizer{Name: a.Name, Integration: apigw.Function(fn)}
	for _, src := range a.IdentitySource {
		if strings.HasPrefix(src, "route.request.header.") || strings.HasPrefix(src, "route.request.querystring.") {
			out.IdentitySource = append(out.IdentitySource, src)
		}
	}
	return out, nil
}
