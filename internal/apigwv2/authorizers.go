package apigwv2

import (
	"net/http"
	"regexp"
)

// The authorizer types: REQUEST (a Lambda function) for WebSocket and HTTP
// APIs, JWT for HTTP APIs only.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Authorizers".
const (
	authorizerRequest = "REQUEST"
	authorizerJWT     = "JWT"
)

// wsIdentitySource is a WebSocket identity source: a request header or
// query string parameter, a stage variable or a context variable.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Authorizers" (botocore CreateAuthorizerRequest.IdentitySource).
var wsIdentitySource = regexp.MustCompile(`^(route\.request\.(header|querystring)\.[^\s]+|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+)$`)

func (s *Service) createAuthorizer(r *http.Request, body []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	var a Authorizer
	if err := decode(body, &a); err != nil {
		return nil, err
	}
	if err := st.validateAuthorizer(&a); err != nil {
		return nil, err
	}
	a.AuthorizerID = s.newID(authorizerIDLen)
	st.authorizers.put(a.AuthorizerID, &a)
	s.changed(st)
	return a, nil
}

// validateAuthorizer checks a REQUEST authorizer of a WebSocket API; the
// texts are unconfirmed (docs/compatibility.md "Authorizers").
func (st *apiState) validateAuthorizer(a *Authorizer) error {
	if n := len(a.Name); n < 1 || n > 128 {
		return badRequest("Invalid authorizer name specified: it must be 1 to 128 characters")
	}
	switch a.AuthorizerType {
	case authorizerRequest:
	case authorizerJWT:
		if st.websocket() {
			return badRequest("Authorizer type JWT is supported only for HTTP APIs")
		}
		return nil
	default:
		return badRequest("Invalid authorizer type specified: %q. Must be one of [REQUEST, JWT]", a.AuthorizerType)
	}
	if _, ok := functionOf(a.AuthorizerURI); !ok {
		return badRequest("Invalid ARN specified in the request: authorizerUri %q is not a Lambda function invocation URI", a.AuthorizerURI)
	}
	if !st.websocket() {
		return nil
	}
	for _, src := range a.IdentitySource {
		if !wsIdentitySource.MatchString(src) {
			return badRequest("Invalid identity source specified: %s. Use route.request.header.<name>, route.request.querystring.<name>, stageVariables.<name> or context.<name>", src)
		}
	}
	return nil
}

func (s *Service) getAuthorizer(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	return st.authorizer(r)
}

func (s *Service) getAuthorizers(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	return list(st.authorizers, r)
}

func (s *Service) updateAuthorizer(r *http.Request, body []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	cur, err := st.authorizer(r)
	if err != nil {
		return nil, err
	}
	a, err := patch(cur, body, []string{"authorizerId"}, nil)
	if err != nil {
		return nil, err
	}
	if err := st.validateAuthorizer(a); err != nil {
		return nil, err
	}
	st.authorizers.put(a.AuthorizerID, a)
	s.changed(st)
	return a, nil
}

// deleteAuthorizer refuses an authorizer a route still uses with
// ConflictException, which Terraform retries until the route is gone.
func (s *Service) deleteAuthorizer(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	a, err := st.authorizer(r)
	if err != nil {
		return nil, err
	}
	for _, rt := range st.routes.all() {
		if rt.AuthorizerID == a.AuthorizerID && rt.AuthorizationType == authCustom {
			return nil, conflict("Authorizer %s is used by route %s (%s)", a.AuthorizerID, rt.RouteID, rt.RouteKey)
		}
	}
	st.authorizers.del(a.AuthorizerID)
	s.changed(st)
	return nil, nil
}

func (s *Service) resetAuthorizersCache(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	if _, err := st.stage(r); err != nil {
		return nil, err
	}
	return nil, nil
}
