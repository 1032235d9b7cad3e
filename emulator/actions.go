package emulator

import (
	"fmt"

	"github.com/iotemu/iotemu/rules/actions"
)

// newActions builds the environment of the rules' service actions
// (rules/actions): the configured AWS endpoints, and the Server's one
// Lambda invoker.
func (s *Server) newActions() error {
	cfg := s.cfg.Actions
	cfg.Region, cfg.AccountID = s.cfg.Region, s.cfg.AccountID
	cfg.Functions = s.invoker
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
