package apigwv2

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The integration types; WebSocket APIs accept all five.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Integrations".
const (
	typeAWSProxy  = "AWS_PROXY"
	typeAWS       = "AWS"
	typeHTTPProxy = "HTTP_PROXY"
	typeHTTP      = "HTTP"
	typeMock      = "MOCK"
)

var integrationTypes = []string{typeAWSProxy, typeAWS, typeHTTPProxy, typeHTTP, typeMock}

// The WebSocket integration defaults AWS answers: timeoutInMillis 29000
// (50–29,000), connectionType INTERNET, integrationMethod POST for Lambda,
// payloadFormatVersion 1.0 (the only one WebSocket supports), and
// ${response.statuscode} as the integration response selection of
// non-proxy integrations. AWS: docs/compatibility.md "apigatewayv2 control plane" "Integrations".
const (
	defaultTimeout           = 29000
	minTimeout, maxTimeoutWS = 50, 29000
	maxTimeoutHTTP           = 30000
	responseSelectionStatus  = "${response.statuscode}"
)

func (s *Service) createIntegration(r *http.Request, body []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	var in Integration
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	st.defaultIntegration(&in)
	if err := st.validateIntegration(&in); err != nil {
		return nil, err
	}
	in.IntegrationID = s.newID(integrationIDLen)
	st.integrations.put(in.IntegrationID, &in)
	st.integrationResponses[in.IntegrationID] = newCollection[IntegrationResponse]()
	s.changed(st)
	return in, nil
}

func (st *apiState) defaultIntegration(in *Integration) {
	if in.ConnectionType == "" {
		in.ConnectionType = "INTERNET"
	}
	if in.TimeoutInMillis == 0 {
		in.TimeoutInMillis = defaultTimeout
	}
	if in.IntegrationMethod == "" && (in.IntegrationType == typeAWSProxy || in.IntegrationType == typeAWS) {
		in.IntegrationMethod = http.MethodPost
	}
	if in.PayloadFormatVersion == "" {
		in.PayloadFormatVersion = "1.0"
	}
	if st.websocket() && in.IntegrationResponseSelectionExpression == "" && (in.IntegrationType == typeMock || in.IntegrationType == typeAWS || in.IntegrationType == typeHTTP) {
		in.IntegrationResponseSelectionExpression = responseSelectionStatus
	}
}

// validateIntegration checks the type, the URI its type needs and the
// timeout. AWS's texts are API Gateway's for the same faults, unconfirmed
// on apigatewayv2 (docs/compatibility.md "Integrations").
func (st *apiState) validateIntegration(in *Integration) error {
	if !slices.Contains(integrationTypes, in.IntegrationType) {
		return badRequest("Invalid integration type specified: %q. Must be one of %v", in.IntegrationType, integrationTypes)
	}
	maxT := maxTimeoutWS
	if !st.websocket() {
		maxT = maxTimeoutHTTP
	}
	if in.TimeoutInMillis < minTimeout || in.TimeoutInMillis > maxT {
		return badRequest("Invalid timeoutInMillis %d: it must be between %d and %d", in.TimeoutInMillis, minTimeout, maxT)
	}
	if st.websocket() && in.PayloadFormatVersion != "1.0" {
		return badRequest("Invalid payload format version %s: WebSocket APIs support only 1.0", in.PayloadFormatVersion)
	}
	return validateIntegrationURI(in)
}

func validateIntegrationURI(in *Integration) error {
	switch in.IntegrationType {
	case typeAWSProxy:
		if _, ok := functionOf(in.IntegrationURI); !ok {
			return badRequest("Invalid ARN specified in the request: %q is not a Lambda function invocation URI, arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations", in.IntegrationURI)
		}
	case typeAWS:
		if !strings.HasPrefix(in.IntegrationURI, "arn:") {
			return badRequest("Invalid ARN specified in the request: %q", in.IntegrationURI)
		}
	case typeHTTPProxy, typeHTTP:
		u, err := url.Parse(expand(in.IntegrationURI, nil))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || in.IntegrationURI == "" {
			return badRequest("Invalid HTTP endpoint specified for URI")
		}
	case typeMock:
		if in.IntegrationURI != "" {
			return badRequest("Integration URI is not supported for MOCK integrations")
		}
	}
	return nil
}

func (s *Service) getIntegration(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	return st.integration(r)
}

func (s *Service) getIntegrations(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	return list(st.integrations, r)
}

func (s *Service) updateIntegration(r *http.Request, body []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	cur, err := st.integration(r)
	if err != nil {
		return nil, err
	}
	in, err := patch(cur, body, []string{"integrationId"}, []string{"requestParameters", "responseParameters"})
	if err != nil {
		return nil, err
	}
	st.defaultIntegration(in)
	if err := st.validateIntegration(in); err != nil {
		return nil, err
	}
	st.integrations.put(in.IntegrationID, in)
	s.changed(st)
	return in, nil
}

// deleteIntegration refuses an integration a route still targets
// (ConflictException, unconfirmed on AWS).
func (s *Service) deleteIntegration(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	in, err := st.integration(r)
	if err != nil {
		return nil, err
	}
	for _, rt := range st.routes.all() {
		if rt.Target == targetPrefix+in.IntegrationID {
			return nil, conflict("Integration %s is the target of route %s (%s); change or delete the route first", in.IntegrationID, rt.RouteID, rt.RouteKey)
		}
	}
	st.integrations.del(in.IntegrationID)
	delete(st.integrationResponses, in.IntegrationID)
	s.changed(st)
	return nil, nil
}
