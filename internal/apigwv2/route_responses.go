package apigwv2

import (
	"net/http"

	"github.com/iotemu/iotemu/apigw"
)

func (s *Service) routeResponses(r *http.Request) (*apiState, *collection[RouteResponse], error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, nil, err
	}
	rt, err := st.route(r)
	if err != nil {
		return nil, nil, err
	}
	return st, st.routeResponses[rt.RouteID], nil
}

func routeResponse(c *collection[RouteResponse], r *http.Request) (*RouteResponse, error) {
	id := r.PathValue("routeResponseId")
	rr, ok := c.get(id)
	if !ok {
		return nil, notFoundID("RouteResponse", id)
	}
	return rr, nil
}

// validateRouteResponse: a WebSocket route has only the $default route
// response. AWS: "You can only define the $default route response for
// WebSocket APIs."
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-selection-expressions.html#apigateway-websocket-api-route-response-selection-expressions
func (st *apiState) validateRouteResponse(c *collection[RouteResponse], rr *RouteResponse) error {
	if rr.RouteResponseKey == "" {
		return badRequest("Route response key is required")
	}
	if st.websocket() && rr.RouteResponseKey != apigw.KeyDefault {
		return badRequest("Invalid route response key specified: %s. Only $default is supported for WebSocket APIs", rr.RouteResponseKey)
	}
	for _, other := range c.all() {
		if other.RouteResponseKey == rr.RouteResponseKey && other.RouteResponseID != rr.RouteResponseID {
			return conflict("Route response with key %s already exists for this route", rr.RouteResponseKey)
		}
	}
	return nil
}

func (s *Service) createRouteResponse(r *http.Request, body []byte) (any, error) {
	st, c, err := s.routeResponses(r)
	if err != nil {
		return nil, err
	}
	var rr RouteResponse
	if err := decode(body, &rr); err != nil {
		return nil, err
	}
	if err := st.validateRouteResponse(c, &rr); err != nil {
		return nil, err
	}
	rr.RouteResponseID = s.newID(responseIDLen)
	c.put(rr.RouteResponseID, &rr)
	s.changed(st)
	return rr, nil
}

func (s *Service) getRouteResponse(r *http.Request, _ []byte) (any, error) {
	_, c, err := s.routeResponses(r)
	if err != nil {
		return nil, err
	}
	return routeResponse(c, r)
}

func (s *Service) getRouteResponses(r *http.Request, _ []byte) (any, error) {
	_, c, err := s.routeResponses(r)
	if err != nil {
		return nil, err
	}
	return list(c, r)
}

func (s *Service) updateRouteResponse(r *http.Request, body []byte) (any, error) {
	st, c, err := s.routeResponses(r)
	if err != nil {
		return nil, err
	}
	cur, err := routeResponse(c, r)
	if err != nil {
		return nil, err
	}
	rr, err := patch(cur, body, []string{"routeResponseId"}, nil)
	if err != nil {
		return nil, err
	}
	if err := st.validateRouteResponse(c, rr); err != nil {
		return nil, err
	}
	c.put(rr.RouteResponseID, rr)
	s.changed(st)
	return rr, nil
}

func (s *Service) deleteRouteResponse(r *http.Request, _ []byte) (any, error) {
	st, c, err := s.routeResponses(r)
	if err != nil {
		return nil, err
	}
	rr, err := routeResponse(c, r)
	if err != nil {
		return nil, err
	}
	c.del(rr.RouteResponseID)
	s.changed(st)
	return nil, nil
}
