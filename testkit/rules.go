package testkit

import (
	"testing"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/rules"
)

// WithRule adds a topic rule before the emulator starts: its SQL with
// AWS's default SQL version (2015-10-08; use WithRules for another), and
// any actions: a rules.Republish, a rules.Recorder, a rules.ActionFunc.
func WithRule(name, sql string, actions ...rules.Action) Option {
	return WithRules(rules.Rule{Name: name, SQL: sql, Actions: actions})
}

// WithRules adds rules defined in full (SQL version, description,
// disabled) before the emulator starts.
func WithRules(rs ...rules.Rule) Option {
	return WithConfig(func(c *emulator.Config) { c.Rules = append(c.Rules, rs...) })
}

// WithTopicRule adds a rule from AWS's TopicRulePayload JSON, exactly as
// `aws iot create-topic-rule --topic-rule-payload` and the fixtures file
// take it; it is visible to GetTopicRule with its actions as given.
func WithTopicRule(name, payloadJSON string) Option {
	return func(s *settings) {
		s.fixtures.Rules = append(s.fixtures.Rules, fixtures.Rule{Name: name, TopicRulePayload: []byte(payloadJSON)})
	}
}

// AddRule adds a topic rule to the running emulator (SQL version
// 2015-10-08, as WithRule), failing the test if it is invalid.
func (e *Emulator) AddRule(tb testing.TB, name, sql string, actions ...rules.Action) {
	tb.Helper()
	if err := e.srv.Rules().Add(rules.Rule{Name: name, SQL: sql, Actions: actions}); err != nil {
		tb.Fatalf("testkit: %v", err)
	}
}

// RecordRule adds a rule whose only action records what it produces and
// returns the recorder: wait for outputs with its WaitN, then assert their
// payloads. sqlVersion "" is AWS's default, 2015-10-08.
func (e *Emulator) RecordRule(tb testing.TB, name, sqlVersion, sql string) *rules.Recorder {
	tb.Helper()
	rec := &rules.Recorder{}
	r := rules.Rule{Name: name, SQL: sql, SQLVersion: sqlVersion, Actions: []rules.Action{rec}}
	if err := e.srv.Rules().Add(r); err != nil {
		tb.Fatalf("testkit: %v", err)
	}
	return rec
}

// RemoveRule deletes a rule from the running emulator.
func (e *Emulator) RemoveRule(tb testing.TB, name string) {
	tb.Helper()
	if err := e.srv.Rules().Remove(name); err != nil {
		tb.Fatalf("testkit: %v", err)
	}
}
