package apigw

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"
)

// authorizerEvent is a REQUEST authorizer's input for $connect.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-lambda-auth.html#apigateway-websocket-api-lambda-auth (verbatim example).
type authorizerEvent struct {
	Type                            string              `json:"type"`
	MethodArn                       string              `json:"methodArn"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters,omitempty"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters,omitempty"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	RequestContext                  RequestContext      `json:"requestContext"`
}

// authorizerResult is the authorizer's output. Action and Resource may be a
// string or a list. AWS: api-gateway-lambda-authorizer-output.html.
type authorizerResult struct {
	PrincipalID    string `json:"principalId"`
	PolicyDocument struct {
		Statement []struct {
			Action   stringList
			Effect   string
			Resource stringList
		}
	} `json:"policyDocument"`
	Context            map[string]any `json:"context"`
	UsageIdentifierKey string         `json:"usageIdentifierKey"`
}

type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// maxAuthorizerResult is AWS's quota "AWS Lambda authorizer result size 8 KB".
const maxAuthorizerResult = 8 * 1024

// authorize runs the API's authorizer for a handshake and returns the
// requestContext.authorizer of the connection's events, or the HTTP status
// refusing it: 401 for missing identity sources or an "Unauthorized" error,
// 403 for a policy not allowing methodArn, 500 for any other failure.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-lambda-auth.html#apigateway-websocket-api-lambda-auth.
func (s *Server) authorize(ctx context.Context, c *conn, r *http.Request) (map[string]any, int) {
	a := c.api.Authorizer
	for _, src := range a.IdentitySource {
		if identityValue(r, src) == "" {
			return nil, http.StatusUnauthorized
		}
	}
	ev := authorizerEvent{
		Type:           "REQUEST",
		MethodArn:      s.methodArn(c.api),
		StageVariables: stageVariables(c.api),
		RequestContext: c.newEvent(c.api, KeyConnect, EventConnect).RequestContext,
	}
	ev.Headers, ev.MultiValueHeaders = proxyHeaders(r, c.identity.SourceIP, c.traceID, true)
	ev.QueryStringParameters, ev.MultiValueQueryStringParameters = queryParams(r.URL)
	out, err := s.invoke(ctx, a.Integration, ev)
	if err != nil {
		if fe, ok := asFunctionError(err); ok && fe.Message == "Unauthorized" {
			return nil, http.StatusUnauthorized // AWS: the WS example's callback("Unauthorized")
		}
		s.log.Warn("authorizer failed", "api", c.api.ID, "authorizer", a.Name, "error", err)
		return nil, http.StatusInternalServerError
	}
	res, err := parseAuthorizerResult(out)
	if err != nil {
		s.log.Warn("authorizer result", "api", c.api.ID, "authorizer", a.Name, "error", err)
		return nil, http.StatusInternalServerError
	}
	if !res.allows(ev.MethodArn) {
		return nil, http.StatusForbidden
	}
	ctxOut := map[string]any{"principalId": res.PrincipalID}
	for k, v := range res.Context {
		ctxOut[k] = v
	}
	return ctxOut, 0
}

// stageVariables is the authorizer event's stageVariables: {} when the
// stage has none, as in AWS's example.
func stageVariables(a *api) map[string]string {
	if a.StageVariables == nil {
		return map[string]string{}
	}
	return a.StageVariables
}

func parseAuthorizerResult(out []byte) (*authorizerResult, error) {
	if len(out) > maxAuthorizerResult {
		return nil, fmt.Errorf("result of %d bytes exceeds 8 KB", len(out))
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	var res authorizerResult
	if err := dec.Decode(&res); err != nil {
		return nil, fmt.Errorf("decode authorizer result: %w", err)
	}
	for k, v := range res.Context {
		// AWS: "you cannot set a JSON object or array as a valid value of any key in the context map."
		switch v.(type) {
		case map[string]any, []any:
			return nil, fmt.Errorf("context key %q is an object or array", k)
		}
	}
	return &res, nil
}

// allows applies IAM's rules: an explicit Deny wins, else an Allow must
// match. Resources match as IAM globs (* any characters including /,
// ? one character). AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html#api-gateway-lambda-authorizer-output (powertools #5800).
func (res *authorizerResult) allows(arn string) bool {
	allowed := false
	for _, st := range res.PolicyDocument.Statement {
		if !matchesAny(st.Action, "execute-api:Invoke") || !matchesAny(st.Resource, arn) {
			continue
		}
		switch {
		case strings.EqualFold(st.Effect, "Deny"):
			return false
		case strings.EqualFold(st.Effect, "Allow"):
			allowed = true
		}
	}
	return allowed
}

func matchesAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if globMatch(p, s) {
			return true
		}
	}
	return false
}

// globMatch matches IAM wildcards; path.Match's * stops at /, so / is
// swapped for a byte that cannot occur in an ARN first.
func globMatch(pattern, s string) bool {
	const sep = "\x00"
	pattern = strings.ReplaceAll(strings.ReplaceAll(pattern, "[", `\[`), "/", sep)
	ok, err := path.Match(pattern, strings.ReplaceAll(s, "/", sep))
	return err == nil && ok
}

// methodArn is arn:aws:execute-api:region:account-id:api-id/stage-name/$connect.
// AWS: apigateway-websocket-api-lambda-auth.html.
func (s *Server) methodArn(api *api) string {
	return fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/%s", s.cfg.Region, s.cfg.AccountID, api.ID, api.Stage, KeyConnect)
}

// parseIdentitySource splits "route.request.header.Auth" or
// "route.request.querystring.token".
func parseIdentitySource(src string) (kind, name string, err error) {
	for _, k := range []string{"header", "querystring"} {
		if n, ok := strings.CutPrefix(src, "route.request."+k+"."); ok && n != "" {
			return k, n, nil
		}
	}
	return "", "", fmt.Errorf("identity source %q: want route.request.header.<name> or route.request.querystring.<name>", src)
}

func identityValue(r *http.Request, src string) string {
	kind, name, _ := parseIdentitySource(src) // validated when the API was added
	if kind == "header" {
		return r.Header.Get(name)
	}
	return r.URL.Query().Get(name)
}
