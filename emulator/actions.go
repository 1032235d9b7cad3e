package emulator

import (
	"context"
	"errors"
	"fmt"

	"github.com/iotemu/iotemu/lambdafn"
	"github.com/iotemu/iotemu/rules/actions"
)

// newActions builds the environment of the rules' service actions
// (rules/actions): the configured AWS endpoints, and the in-process Lambda
// registry shared with the API Gateway mimic as the Lambda action's first
// choice.
func (s *Server) newActions() error {
	cfg := s.cfg.Actions
	cfg.Region, cfg.AccountID = s.cfg.Region, s.cfg.AccountID
	cfg.Functions = ruleFunctions{s}
	if cfg.Now == nil {
		cfg.Now = s.cfg.Now
	}
	if cfg.NewUUID == nil {
		cfg.NewUUID = s.cfg.NewUUID
	}
	env, err := actions.New(cfg)
	if err != nil {
		return fmt.Errorf("set up rule actions: %w", err)
	}
	s.actions = env
	s.records = newActionRecords(s.cfg.ActionRecords)
	return nil
}

// Actions returns the environment of the rules' service actions, to bind
// an actions.Spec built in Go: s.Actions().Action(&actions.SQS{...}).
func (s *Server) Actions() *actions.Env { return s.actions }

// ruleFunctions is the Lambda action's way to the in-process functions.
// The registry is read at each call: it is built after the rules engine.
type ruleFunctions struct{ s *Server }

func (f ruleFunctions) Invoke(ctx context.Context, function string, payload []byte) ([]byte, error) {
	if f.s.functions == nil {
		return nil, actions.ErrFunctionNotFound
	}
	out, err := f.s.functions.Invoke(ctx, function, payload)
	if errors.Is(err, lambdafn.ErrFunctionNotFound) {
		return nil, fmt.Errorf("%w: %w", actions.ErrFunctionNotFound, err)
	}
	return out, err
}
