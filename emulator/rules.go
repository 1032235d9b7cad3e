package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	iotreg "github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/shadow"
)

// newRules builds the rules engine: Republish publishes through the broker,
// get_thing_shadow reads the emulator's own shadows, get_registry_data its
// registry, aws_lambda runs through the one Lambda invoker and
// get_dynamodb/get_secret go to the actions' AWS endpoints, and every message
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
		Externals: rules.Externals{Shadows: ruleShadows{s}, Lambda: s.actions.Lambda(), DynamoDB: s.actions.DynamoDB(),
			Secrets: s.actions.Secrets(), Registry: ruleRegistry{s}},
		Compat:        s.cfg.Compat.Rules,
		OnAction:      s.onAction,
		InjectFailure: s.faults.ActionFailure,
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

// ruleRegistry serves get_registry_data from the emulator's registry: the
// DescribeThing and ListThingGroupsForThing answers, as the control plane
// gives them; a missing thing makes the result Undefined (UNCONFIRMED:
// AWS may fail the rule).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-sql-function-get-registry-data
type ruleRegistry struct{ s *Server }

func (r ruleRegistry) GetRegistryData(_ context.Context, api, thingName string) ([]byte, error) {
	reg := r.s.iotreg
	t, err := reg.DescribeThing(thingName)
	if errors.Is(err, iotreg.ErrNotFound) {
		return nil, fmt.Errorf("get_registry_data %s %s: %w", api, thingName, rules.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get_registry_data %s %s: %w", api, thingName, err)
	}
	var out any
	switch api {
	case "DescribeThing":
		attrs := t.Attributes
		if attrs == nil {
			attrs = map[string]string{}
		}
		out = map[string]any{"defaultClientId": t.Name, "thingName": t.Name, "thingId": t.ID, "thingArn": t.ARN,
			"thingTypeName": t.TypeName, "attributes": attrs, "version": t.Version}
	case "ListThingGroupsForThing":
		names, err := reg.ThingGroupsForThing(thingName)
		if err != nil {
			return nil, fmt.Errorf("get_registry_data %s %s: %w", api, thingName, err)
		}
		groups := make([]map[string]string, 0, len(names))
		for _, n := range names {
			groups = append(groups, map[string]string{"groupName": n, "groupArn": reg.ThingGroupARN(n)})
		}
		out = map[string]any{"thingGroups": groups}
	default:
		return nil, fmt.Errorf("get_registry_data: registryAPI %q is not DescribeThing or ListThingGroupsForThing", api)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("get_registry_data %s %s: %w", api, thingName, err)
	}
	return b, nil
}
