package apigwv2

import (
	"net/http"
)

// apiState is one API and its children.
type apiState struct {
	api                  API
	routes               *collection[Route]
	routeResponses       map[string]*collection[RouteResponse] // by routeId
	integrations         *collection[Integration]
	integrationResponses map[string]*collection[IntegrationResponse] // by integrationId
	authorizers          *collection[Authorizer]
	stages               *collection[Stage]
	deployments          *collection[Deployment]
}

func newAPIState(a API) *apiState {
	return &apiState{
		api:                  a,
		routes:               newCollection[Route](),
		routeResponses:       map[string]*collection[RouteResponse]{},
		integrations:         newCollection[Integration](),
		integrationResponses: map[string]*collection[IntegrationResponse]{},
		authorizers:          newCollection[Authorizer](),
		stages:               newCollection[Stage](),
		deployments:          newCollection[Deployment](),
	}
}

func (st *apiState) websocket() bool { return st.api.ProtocolType == protocolWebSocket }

// The protocol types. AWS: docs/compatibility.md "apigatewayv2 control plane" "APIs".
const (
	protocolWebSocket = "WEBSOCKET"
	protocolHTTP      = "HTTP"
)

// lookupAPI returns the API of the request's {apiId}; an unknown one is
// AWS's NotFoundException "Invalid API identifier specified {account}:{id}"
// for every path under it.
func (s *Service) lookupAPI(r *http.Request) (*apiState, error) {
	id := r.PathValue("apiId")
	st, ok := s.apis.get(id)
	if !ok {
		return nil, notFoundID("API", s.cfg.AccountID+":"+id)
	}
	return st, nil
}

func (st *apiState) route(r *http.Request) (*Route, error) {
	id := r.PathValue("routeId")
	rt, ok := st.routes.get(id)
	if !ok {
		return nil, notFoundID("Route", id)
	}
	return rt, nil
}

func (st *apiState) integration(r *http.Request) (*Integration, error) {
	id := r.PathValue("integrationId")
	in, ok := st.integrations.get(id)
	if !ok {
		return nil, notFoundID("Integration", id)
	}
	return in, nil
}

func (st *apiState) authorizer(r *http.Request) (*Authorizer, error) {
	id := r.PathValue("authorizerId")
	a, ok := st.authorizers.get(id)
	if !ok {
		return nil, notFoundID("Authorizer", id)
	}
	return a, nil
}

func (st *apiState) stage(r *http.Request) (*Stage, error) {
	name := r.PathValue("stageName")
	sg, ok := st.stages.get(name)
	if !ok {
		// moto's text; AWS's is unconfirmed (docs/compatibility.md).
		return nil, notFound("Invalid stage identifier specified")
	}
	return sg, nil
}

func (st *apiState) deployment(r *http.Request) (*Deployment, error) {
	id := r.PathValue("deploymentId")
	d, ok := st.deployments.get(id)
	if !ok {
		return nil, notFoundID("Deployment", id)
	}
	return d, nil
}
