package emulator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/lambdafn"
)

// authorizerTimeout bounds an authorizer function's run: Lambda functions
// of custom authorizers time out after 5 seconds.
// AWS: custom-auth.html (broker.md §5.5 "Lambda timeout 5 s").
const authorizerTimeout = 5 * time.Second

// errNoAuthorizerFunction: neither an in-process function nor a Lambda
// endpoint can run the authorizer's function.
var errNoAuthorizerFunction = errors.New("authorizer function not found")

// invokeAuthorizer runs an authorizer's function synchronously with the
// event and returns its result: the in-process function registered under
// that name or ARN (s.Functions()), else the Lambda Invoke API at the
// configured Lambda endpoint (Config.Actions.Endpoints.Lambda, or Base),
// as the rules' Lambda action does.
func (s *Server) invokeAuthorizer(ctx context.Context, function string, event []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, authorizerTimeout)
	defer cancel()
	if s.functions != nil {
		out, err := s.functions.Invoke(ctx, function, event) // lambdafn runs concurrent invocations on separate handlers
		if !errors.Is(err, lambdafn.ErrFunctionNotFound) {
			if err != nil {
				return nil, fmt.Errorf("invoke authorizer function %s: %w", function, err)
			}
			return out, nil
		}
	}
	ep := s.cfg.Actions.Endpoints.Lambda
	if ep == "" {
		ep = s.cfg.Actions.Endpoints.Base
	}
	if ep == "" {
		return nil, fmt.Errorf("%w: %s (no in-process function, no Lambda endpoint)", errNoAuthorizerFunction, function)
	}
	api := &apigw.LambdaInvokeAPI{Endpoint: ep, FunctionName: function, Concurrent: true}
	out, err := api.Invoke(ctx, event)
	if err != nil {
		return nil, fmt.Errorf("invoke authorizer function: %w", err)
	}
	return out, nil
}
