package apigw

import "fmt"

// PutAPI serves a at /{Stage}, replacing the API of that stage when it has
// the same ID: a control plane redeploying an API's stage. Connections
// already open stay open; their next messages and their $disconnect use the
// new routes, as a deployment takes effect for the whole stage, while their
// authorizer context and identity stay those of their handshake. A stage
// served by an API of another ID is an error, as in AddAPI.
func (s *Server) PutAPI(a API) error {
	ap, err := s.prepare(a)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, taken := s.apis[ap.Stage]; taken && old.ID != ap.ID {
		return fmt.Errorf("api %s: stage %q is already served by api %s", ap.ID, ap.Stage, old.ID)
	}
	s.apis[ap.Stage] = ap
	return nil
}

// RemoveAPI stops serving stage and closes its connections with 1001
// "Going away" (running their $disconnect, with the routes they had); it
// reports whether the stage was served.
func (s *Server) RemoveAPI(stage string) bool {
	s.mu.Lock()
	old, ok := s.apis[stage]
	if !ok {
		s.mu.Unlock()
		return false
	}
	delete(s.apis, stage)
	var conns []*conn
	for _, c := range s.conns {
		if c.api.Stage == stage && c.api.ID == old.ID {
			conns = append(conns, c)
		}
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.requestClose(closeGoingAway, reasonGoingAway, true)
	}
	return true
}

// live returns the API c's messages are routed with: the one now served at
// its stage when it is still c's API (PutAPI may have replaced it), else
// the one c connected to.
func (s *Server) live(c *conn) *api {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apis[c.api.Stage]; ok && a.ID == c.api.ID {
		return a
	}
	return c.api
}

// ValidateRouteSelectionExpression reports whether expr is a route
// selection expression a Server can evaluate: $request.body.<path>,
// ${request.body.<path>}, static text and \$.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-selection-expressions.html#apigateway-websocket-api-selection-expression-table
func ValidateRouteSelectionExpression(expr string) error {
	_, err := parseSelector(expr)
	return err
}
