package emulator

import (
	"context"
	"errors"
	"fmt"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/shadow"
)

// newRules builds the rules engine: Republish publishes through the broker,
// get_thing_shadow reads the emulator's own shadows, and every message
// published by any path is offered to it by the broker's dispatcher
// (internal/broker rules_dispatch.go).
func (s *Server) newRules() error {
	if err := s.newActions(); err != nil {
		return err
	}
	engine, err := rules.NewEngine(rules.Config{
		Publisher: rulePublisher{s},
		Logger:    s.log,
		Now:       s.cfg.Now,
		NewUUID:   s.cfg.NewUUID,
		AccountID: s.cfg.AccountID,
		Region:    s.cfg.Region,
		Externals: rules.Externals{Shadows: ruleShadows{s}},
		Compat:    s.cfg.Compat.Rules,
		OnAction:  s.onAction,
	})
	if err != nil {
		return fmt.Errorf("set up rules: %w", err)
	}
	s.rules = engine
	s.matches = newRuleMatches()
	if err := errors.Join(s.addConfigRules()...); err != nil {
		return fmt.Errorf("set up rules: %w", err)
	}
	return nil
}

// addConfigRules adds Config.Rules (at New, and again after a reset).
func (s *Server) addConfigRules() []error {
	var errs []error
	for i, r := range s.cfg.Rules {
		if err := s.rules.Add(r); err != nil {
			errs = append(errs, fmt.Errorf("rules[%d] (%s): %w", i, r.Name, err))
		}
	}
	return errs
}

// Rules returns the rules engine, to add rules (with any rules.Action,
// such as a rules.Recorder) or inspect them from Go.
func (s *Server) Rules() *rules.Engine { return s.rules }

// rulePublisher is the Republish action's way into the broker.
// AWS: republish-rule-action.html (topic, qos, MQTT 5 headers).
type rulePublisher struct{ s *Server }

func (p rulePublisher) Republish(ctx context.Context, o rules.Outbound) error {
	m := Message{
		Topic: o.Topic, Payload: o.Payload, QoS: o.QoS,
		ContentType: o.ContentType, ResponseTopic: o.ResponseTopic, CorrelationData: o.CorrelationData,
		PayloadFormatUTF8: o.PayloadFormat == rules.PayloadFormatUTF8, MessageExpiry: o.MessageExpiry,
	}
	for _, u := range o.UserProperties {
		m.UserProperties = append(m.UserProperties, UserProperty{Key: u[0], Value: u[1]})
	}
	if err := p.s.Publish(ctx, m); err != nil {
		return fmt.Errorf("republish: %w", err)
	}
	return nil
}

// ruleShadows serves get_thing_shadow from the emulator's shadows; a
// missing shadow makes the function's result Undefined.
// AWS: iot-sql-functions.html#iot-sql-function-get-thing-shadow.
type ruleShadows struct{ s *Server }

func (r ruleShadows) GetThingShadow(ctx context.Context, thing, name string) ([]byte, error) {
	doc, err := r.s.shadows.Get(ctx, thing, name)
	if errors.Is(err, shadow.ErrShadowNotFound) || errors.Is(err, shadow.ErrThingNotFound) {
		return nil, fmt.Errorf("shadow %s %q: %w", thing, name, rules.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("shadow %s %q: %w", thing, name, err)
	}
	return doc, nil
}
