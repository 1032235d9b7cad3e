package testkit

import (
	"context"
	"testing"
	"time"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions"
)

// WithAWSEndpoint sends the rules' service actions (sqs, s3, dynamoDB,
// lambda functions not registered in-process...) to one AWS-compatible
// endpoint, such as LocalStack's http://localhost:4566. Without it they
// are recorded, not sent: read them with ActionRecords.
func WithAWSEndpoint(url string) Option {
	return WithConfig(func(c *emulator.Config) { c.Actions.Endpoints.Base = url })
}

// WithRuleActions edits the configuration of the rules' actions:
// per-service endpoints, credentials, timeout, HTTP destination
// confirmation.
func WithRuleActions(fn func(*actions.Config)) Option {
	return WithConfig(func(c *emulator.Config) { fn(&c.Actions) })
}

// ActionRecords returns the recorded action executions of a rule ("" for
// all), oldest first.
func (e *Emulator) ActionRecords(tb testing.TB, rule string) []rules.ActionRecord {
	tb.Helper()
	return e.srv.ActionRecords(rule)
}

// WaitActionRecord waits up to timeout for an execution of an action of
// type actionType ("sqs", "lambda", "republish"...; "" for any) by rule,
// and fails the test when none comes.
func (e *Emulator) WaitActionRecord(tb testing.TB, rule, actionType string, timeout time.Duration) rules.ActionRecord {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	rec, err := e.srv.WaitActionRecord(ctx, func(r rules.ActionRecord) bool {
		return r.Rule == rule && (actionType == "" || r.Type == actionType)
	})
	if err != nil {
		tb.Fatalf("testkit: no %q action record of rule %s: %v", actionType, rule, err)
	}
	return rec
}
