package apigwv2

import (
	"net/http"
	"strings"

	"github.com/iotemu/iotemu/apigw"
)

// The WebSocket authorization types; JWT is for HTTP APIs only.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Routes".
const (
	authNone   = "NONE"
	authIAM    = "AWS_IAM"
	authCustom = "CUSTOM"
	authJWT    = "JWT"
)

// targetPrefix starts a route's target: "integrations/{integrationId}".
const targetPrefix = "integrations/"

func (s *Service) createRoute(r *http.Request, body []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	var rt Route
	if err := decode(body, &rt); err != nil {
		return nil, err
	}
	if rt.AuthorizationType == "" {
		rt.AuthorizationType = authNone // AWS answers NONE when omitted (CLI create-route example)
	}
	if err := st.validateRoute(&rt); err != nil {
		return nil, err
	}
	rt.RouteID = s.newID(routeIDLen)
	st.routes.put(rt.RouteID, &rt)
	st.routeResponses[rt.RouteID] = newCollection[RouteResponse]()
	s.changed(st)
	return rt, nil
}

// validateRoute checks rt against the API's other routes, integrations
// and authorizers. The texts of these errors are unconfirmed except where
// noted (docs/compatibility.md "Routes").
func (st *apiState) validateRoute(rt *Route) error {
	if err := st.validateRouteKey(rt); err != nil {
		return err
	}
	if err := st.validateAuthorization(rt); err != nil {
		return err
	}
	if rt.Target != "" {
		id, ok := strings.CutPrefix(rt.Target, targetPrefix)
		if _, exists := st.integrations.get(id); !ok || !exists {
			return badRequest("Invalid target specified: %s is not integrations/{integrationId} of an integration of this API", rt.Target)
		}
	}
	if st.websocket() && rt.RouteResponseSelectionExpression != "" && rt.RouteResponseSelectionExpression != apigw.KeyDefault {
		// AWS: "Currently, this value is restricted to $default only."
		return badRequest("Invalid route response selection expression specified: only $default is supported for WebSocket APIs")
	}
	return nil
}

func (st *apiState) validateRouteKey(rt *Route) error {
	key := rt.RouteKey
	if key == "" {
		return badRequest("Route key is required")
	}
	if st.websocket() && strings.HasPrefix(key, "$") && key != apigw.KeyConnect && key != apigw.KeyDisconnect && key != apigw.KeyDefault {
		// AWS: "do not use the $ prefix in the route key name. This prefix
		// is reserved for predefined routes."
		return badRequest("Invalid route key specified: %s. The $ prefix is reserved for $connect, $disconnect and $default", key)
	}
	for _, other := range st.routes.all() {
		if other.RouteKey == key && other.RouteID != rt.RouteID {
			return conflict("Route with key %s already exists for this API", key)
		}
	}
	return nil
}

func (st *apiState) validateAuthorization(rt *Route) error {
	switch rt.AuthorizationType {
	case authNone, authIAM, authCustom:
	case authJWT:
		if st.websocket() {
			return badRequest("Authorization type JWT is supported only for HTTP APIs")
		}
	default:
		return badRequest("Invalid authorization type specified: %s", rt.AuthorizationType)
	}
	if st.websocket() && rt.AuthorizationType != authNone && rt.RouteKey != apigw.KeyConnect {
		// AWS: "You can only use a Lambda authorizer function for the $connect route."
		return badRequest("Currently, authorization is restricted to the $connect route only")
	}
	if rt.AuthorizationType == authCustom || rt.AuthorizationType == authJWT {
		if _, ok := st.authorizers.get(rt.AuthorizerID); !ok {
			return badRequest("Invalid authorizer identifier specified: %q is not an authorizer of this API", rt.AuthorizerID)
		}
	}
	return nil
}

func (s *Service) getRoute(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	return st.route(r)
}

func (s *Service) getRoutes(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	return list(st.routes, r)
}

func (s *Service) updateRoute(r *http.Request, body []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	cur, err := st.route(r)
	if err != nil {
		return nil, err
	}
	rt, err := patch(cur, body, []string{"routeId"}, []string{"requestParameters"})
	if err != nil {
		return nil, err
	}
	if err := st.validateRoute(rt); err != nil {
		return nil, err
	}
	st.routes.put(rt.RouteID, rt)
	s.changed(st)
	return rt, nil
}

func (s *Service) deleteRoute(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	rt, err := st.route(r)
	if err != nil {
		return nil, err
	}
	st.routes.del(rt.RouteID)
	delete(st.routeResponses, rt.RouteID)
	s.changed(st)
	return nil, nil
}

func (s *Service) deleteRouteRequestParameter(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	rt, err := st.route(r)
	if err != nil {
		return nil, err
	}
	key := r.PathValue("requestParameterKey")
	if _, ok := rt.RequestParameters[key]; !ok {
		return nil, notFound("Invalid request parameter key specified %s", key)
	}
	delete(rt.RequestParameters, key)
	s.changed(st)
	return nil, nil
}
