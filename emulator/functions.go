package emulator

import (
	"fmt"

	"github.com/iotemu/iotemu/lambdafn"
)

// newFunctions builds the in-process function registry and the one
// Lambda invoker every caller shares: the rules' Lambda action, the API
// Gateway routes and authorizers, the custom authorizers. The invoker
// sends what is not registered in process to the rule actions' Lambda
// endpoint (Config.Actions.Endpoints.Lambda, else Base).
func (s *Server) newFunctions() error {
	s.functions = lambdafn.New(lambdafn.Config{Region: s.cfg.Region, AccountID: s.cfg.AccountID})
	for name, h := range s.cfg.APIGatewayAPIs.Functions {
		if err := s.functions.Register(name, h); err != nil {
			return fmt.Errorf("set up functions: %w", err)
		}
	}
	cfg := s.cfg.Actions
	cfg.Region = s.cfg.Region
	s.invoker = lambdafn.NewInvoker(cfg.InvokerConfig(s.functions))
	return nil
}

// Functions returns the in-process Lambda registry shared by the API
// Gateway integrations, the rules' Lambda action and custom authorizers.
func (s *Server) Functions() *lambdafn.Registry { return s.functions }
