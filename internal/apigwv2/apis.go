package apigwv2

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/iotemu/iotemu/apigw"
)

// The API key selection expressions AWS accepts, and the one it answers
// when none is given.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-selection-expressions.html#apigateway-websocket-api-apikey-selection-expressions
const defaultAPIKeySelection = "$request.header.x-api-key"

var apiKeySelections = []string{defaultAPIKeySelection, "$context.authorizer.usageIdentifierKey"}

// defaultHTTPRouteSelection is the only (and default) route selection
// expression of HTTP APIs.
const defaultHTTPRouteSelection = "${request.method} ${request.path}"

func (s *Service) createAPI(r *http.Request, body []byte) (any, error) {
	var a API
	if err := decode(body, &a); err != nil {
		return nil, err
	}
	if a.APIKeySelectionExpression == "" {
		a.APIKeySelectionExpression = defaultAPIKeySelection
	}
	if a.RouteSelectionExpression == "" && a.ProtocolType == protocolHTTP {
		a.RouteSelectionExpression = defaultHTTPRouteSelection
	}
	if a.IPAddressType == "" {
		a.IPAddressType = "ipv4" // unconfirmed default (docs/compatibility.md)
	}
	if a.Tags == nil {
		a.Tags = map[string]string{}
	}
	if err := validateAPI(&a); err != nil {
		return nil, err
	}
	a.APIID = s.newID(apiIDLen)
	if id, ok := r.Context().Value(fixedAPIIDKey{}).(string); ok && id != "" {
		if !apiIDPattern.MatchString(id) {
			return nil, badRequest("Invalid API identifier %q: it must be 10 lowercase letters or digits", id)
		}
		if _, taken := s.apis.get(id); taken {
			return nil, conflict("API %s already exists", id)
		}
		a.APIID = id
		s.ids[id] = true
	}
	a.CreatedDate = timestamp(s.cfg.Now())
	a.APIEndpoint = ""
	s.apis.put(a.APIID, newAPIState(a))
	return s.renderAPI(a), nil
}

func validateAPI(a *API) error {
	if n := len(a.Name); n < 1 || n > 128 {
		return badRequest("Invalid API name specified: it must be 1 to 128 characters")
	}
	switch a.ProtocolType {
	case protocolWebSocket, protocolHTTP:
	default:
		// moto's text; AWS's is unconfirmed (docs/compatibility.md).
		return badRequest("Invalid protocol specified. Must be one of [HTTP, WEBSOCKET]")
	}
	if a.APIKeySelectionExpression != "" && !slices.Contains(apiKeySelections, a.APIKeySelectionExpression) {
		return badRequest("Invalid API key selection expression specified: %s", a.APIKeySelectionExpression)
	}
	if a.ProtocolType != protocolWebSocket {
		return nil
	}
	switch {
	case a.RouteSelectionExpression == "":
		return badRequest("Route selection expression is required for WebSocket APIs")
	case apigw.ValidateRouteSelectionExpression(a.RouteSelectionExpression) != nil:
		return badRequest("Invalid route selection expression specified for a WebSocket API: %s", a.RouteSelectionExpression)
	case a.Target != "" || a.RouteKey != "" || a.CredentialsArn != "":
		return badRequest("Quick create (target, routeKey, credentialsArn) is supported only for HTTP APIs")
	case len(a.CorsConfiguration) > 0 && string(a.CorsConfiguration) != "null":
		return badRequest("CORS configuration is supported only for HTTP APIs")
	}
	return nil
}

// renderAPI is a with its apiEndpoint: Config.Endpoint's for WebSocket
// APIs when set, else AWS's wss:// or https:// form.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "apiEndpoint".
func (s *Service) renderAPI(a API) *API {
	switch {
	case a.ProtocolType == protocolWebSocket && s.cfg.Endpoint != nil:
		a.APIEndpoint = s.cfg.Endpoint(a.APIID)
	case a.ProtocolType == protocolWebSocket:
		a.APIEndpoint = fmt.Sprintf("wss://%s.execute-api.%s.amazonaws.com", a.APIID, s.cfg.Region)
	default:
		a.APIEndpoint = fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com", a.APIID, s.cfg.Region)
	}
	return &a
}

func (s *Service) getAPI(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	return s.renderAPI(st.api), nil
}

func (s *Service) getAPIs(r *http.Request, _ []byte) (any, error) {
	p, err := list(s.apis, r)
	if err != nil {
		return nil, err
	}
	out := page[API]{NextToken: p.NextToken, Items: make([]*API, 0, len(p.Items))}
	for _, st := range p.Items {
		out.Items = append(out.Items, s.renderAPI(st.api))
	}
	return out, nil
}

// apiFixed are the Api members UpdateApi does not change: protocolType
// ("you cannot change the protocol"), tags (TagResource does), and what the
// service sets.
var apiFixed = []string{"apiId", "apiEndpoint", "createdDate", "protocolType", "tags"}

func (s *Service) updateAPI(r *http.Request, body []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	a, err := patch(&st.api, body, apiFixed, nil)
	if err != nil {
		return nil, err
	}
	if err := validateAPI(a); err != nil {
		return nil, err
	}
	st.api = *a
	s.changed(st)
	return s.renderAPI(st.api), nil
}

// deleteAPI deletes the API with its children and takes its stages down.
func (s *Service) deleteAPI(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	for _, sg := range st.stages.all() {
		s.uninstall(st, sg)
	}
	s.apis.del(st.api.APIID)
	return nil, nil
}

func (s *Service) deleteCORS(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	st.api.CorsConfiguration = nil
	return nil, nil
}
