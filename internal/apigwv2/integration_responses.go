package apigwv2

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/iotemu/iotemu/apigw"
)

func (s *Service) integrationResponses(r *http.Request) (*apiState, *collection[IntegrationResponse], error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, nil, err
	}
	in, err := st.integration(r)
	if err != nil {
		return nil, nil, err
	}
	return st, st.integrationResponses[in.IntegrationID], nil
}

func integrationResponse(c *collection[IntegrationResponse], r *http.Request) (*IntegrationResponse, error) {
	id := r.PathValue("integrationResponseId")
	ir, ok := c.get(id)
	if !ok {
		return nil, notFoundID("IntegrationResponse", id)
	}
	return ir, nil
}

// validateIntegrationResponse: the key is $default or a regular
// expression between slashes, such as /2\d\d/.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-selection-expressions.html#apigateway-websocket-api-selection-expression-table
func validateIntegrationResponse(c *collection[IntegrationResponse], ir *IntegrationResponse) error {
	key := ir.IntegrationResponseKey
	if key != apigw.KeyDefault {
		if _, err := keyPattern(key); err != nil {
			return badRequest("Invalid integration response key specified: %s. Use $default or a /regular expression/", key)
		}
	}
	for _, other := range c.all() {
		if other.IntegrationResponseKey == key && other.IntegrationResponseID != ir.IntegrationResponseID {
			return conflict("Integration response with key %s already exists for this integration", key)
		}
	}
	return nil
}

// keyPattern compiles a /regex/ selection key, anchored: it must match the
// whole selected value.
func keyPattern(key string) (*regexp.Regexp, error) {
	if len(key) < 3 || !strings.HasPrefix(key, "/") || !strings.HasSuffix(key, "/") {
		return nil, errNotPattern
	}
	return regexp.Compile("^(?:" + key[1:len(key)-1] + ")$")
}

var errNotPattern = errors.New("not a /regular expression/")

func (s *Service) createIntegrationResponse(r *http.Request, body []byte) (any, error) {
	st, c, err := s.integrationResponses(r)
	if err != nil {
		return nil, err
	}
	var ir IntegrationResponse
	if err := decode(body, &ir); err != nil {
		return nil, err
	}
	if err := validateIntegrationResponse(c, &ir); err != nil {
		return nil, err
	}
	ir.IntegrationResponseID = s.newID(responseIDLen)
	c.put(ir.IntegrationResponseID, &ir)
	s.changed(st)
	return ir, nil
}

func (s *Service) getIntegrationResponse(r *http.Request, _ []byte) (any, error) {
	_, c, err := s.integrationResponses(r)
	if err != nil {
		return nil, err
	}
	return integrationResponse(c, r)
}

func (s *Service) getIntegrationResponses(r *http.Request, _ []byte) (any, error) {
	_, c, err := s.integrationResponses(r)
	if err != nil {
		return nil, err
	}
	return list(c, r)
}

func (s *Service) updateIntegrationResponse(r *http.Request, body []byte) (any, error) {
	st, c, err := s.integrationResponses(r)
	if err != nil {
		return nil, err
	}
	cur, err := integrationResponse(c, r)
	if err != nil {
		return nil, err
	}
	ir, err := patch(cur, body, []string{"integrationResponseId"}, []string{"responseParameters"})
	if err != nil {
		return nil, err
	}
	if err := validateIntegrationResponse(c, ir); err != nil {
		return nil, err
	}
	c.put(ir.IntegrationResponseID, ir)
	s.changed(st)
	return ir, nil
}

func (s *Service) deleteIntegrationResponse(r *http.Request, _ []byte) (any, error) {
	st, c, err := s.integrationResponses(r)
	if err != nil {
		return nil, err
	}
	ir, err := integrationResponse(c, r)
	if err != nil {
		return nil, err
	}
	c.del(ir.IntegrationResponseID)
	s.changed(st)
	return nil, nil
}
