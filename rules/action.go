package rules

import (
	"context"

	"github.com/iotemu/iotemu/rules/internal/eval"
	"github.com/iotemu/iotemu/rules/internal/sql"
)

// Action receives the output of a rule whose WHERE clause is true.
type Action interface {
	Do(ctx context.Context, out Output) error
}

// ActionFunc adapts a function to Action.
type ActionFunc func(ctx context.Context, out Output) error

// Do calls f.
func (f ActionFunc) Do(ctx context.Context, out Output) error { return f(ctx, out) }

var _ Action = ActionFunc(nil)

// Output is what a rule hands to its actions: the SELECT result and the
// message context that substitution templates need.
type Output struct {
	// RuleName is the rule that produced the output.
	RuleName string
	// SQLVersion is the rule's SQL version.
	SQLVersion string
	// Payload is the serialized SELECT result (JSON, or the raw bytes of a
	// non-JSON payload passed through by SELECT *).
	Payload []byte
	// Message is the original message (Topic as published, including a Basic
	// Ingest prefix).
	Message Message
	run     *evalRun
}

// evalRun is the evaluation context shared by the actions of one rule and
// message: templates see the same timestamp and SET variables.
type evalRun struct {
	ev        *eval.Evaluator
	env       *eval.Env
	vars      []byte
	version   sql.Version
	compat    Compat
	publisher Publisher
}
