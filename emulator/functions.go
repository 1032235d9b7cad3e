package emulator

import (
	"fmt"
	"time"

	"github.com/iotemu/iotemu/fixtures"
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
	s.commands = lambdafn.NewCommands(lambdafn.CommandsConfig{
		Region: s.cfg.Region, AccountID: s.cfg.AccountID, Logger: s.log.With("component", "lambda"),
	})
	for _, c := range s.cfg.Lambda.Commands {
		if err := s.commands.Register(c); err != nil {
			_ = s.commands.Close() // nothing started yet; Register failed before any process
			return fmt.Errorf("set up function %s: %w", c.Name, err)
		}
	}
	cfg := s.cfg.Actions
	cfg.Region = s.cfg.Region
	ic := cfg.InvokerConfig(s.functions)
	ic.Commands, ic.Endpoints, ic.NameInPath = s.commands, s.cfg.Lambda.Endpoints, s.cfg.Lambda.NameInPath
	ic.Inject = s.faults.LambdaFailure
	s.invoker = lambdafn.NewInvoker(ic)
	return nil
}

// LambdaConfig says how Lambda functions that are not registered in
// process are run: as the user's own executables speaking the Lambda
// Runtime API, or through a Lambda Invoke API per function, before the
// default endpoint (Config.Actions.Endpoints.Lambda, else Base).
type LambdaConfig struct {
	// Commands are functions run as processes (an aws-lambda-go bootstrap,
	// any Runtime API client), started on first use and stopped by Close.
	Commands []lambdafn.Command
	// Endpoints are per-function Lambda Invoke API base URLs, by function
	// name (-lambda-endpoints name=url,...).
	Endpoints map[string]string
	// NameInPath sends the bare function name to the default endpoint too
	// (the Runtime Interface Emulator answers 404 to an ARN).
	NameInPath bool
}

// Functions returns the in-process Lambda registry shared by the API
// Gateway integrations, the rules' Lambda action and custom authorizers.
func (s *Server) Functions() *lambdafn.Registry { return s.functions }

// applyFunctions registers the fixtures' functions: commands with the
// Server's Commands (started on first use, stopped by Close), endpoints
// with the invoker.
func (s *Server) applyFunctions(fns []fixtures.Function) []error {
	var errs []error
	for i, f := range fns {
		var err error
		if f.Endpoint != "" {
			err = s.invoker.SetEndpoint(f.Name, f.Endpoint)
		} else {
			err = s.commands.Register(lambdafn.Command{
				Name: f.Name, Path: f.Command, Args: f.Args, Dir: f.Dir, Env: f.Env, Handler: f.Handler,
				Timeout: time.Duration(f.Timeout * float64(time.Second)), MemoryMB: f.MemorySize, MaxConcurrency: f.MaxConcurrency,
			})
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("functions[%d] (%s): %w", i, f.Name, err))
		} else {
			s.log.Info("fixture function declared", "function", f.Name, "endpoint", f.Endpoint, "command", f.Command)
		}
	}
	return errs
}
