package rules

import (
	"context"
	"time"

	"github.com/iotemu/iotemu/rules/internal/sql"
)

// Report describes one action execution: what it sent and what came back.
// The engine turns it into an ActionRecord and, on failure, into an entry
// of the error action's failures.
type Report struct {
	// Type is the AWS Action member name ("republish", "sqs", "lambda"...);
	// "" for actions defined in Go.
	Type string
	// Resource is the target the error action names as failedResource
	// (queue URL, bucket, function ARN, topic...).
	Resource string
	// Request is the rendered request, JSON-marshallable.
	Request any
	// Result is what the target answered (nil when nothing useful).
	Result any
}

// ReportingAction is an Action that reports what it did. The engine calls
// Execute instead of Do.
type ReportingAction interface {
	Action
	Execute(ctx context.Context, out Output) (Report, error)
}

// CompilingAction is an Action that prepares itself once when its rule is
// added (templates compiled for the rule's SQL version, required members
// checked); an error rejects the rule.
type CompilingAction interface {
	Action
	CompileAction(c ActionCompiler) (Action, error)
}

// ActionCompiler compiles substitution templates for one rule.
type ActionCompiler struct {
	version sql.Version
	compat  Compat
}

// Template compiles a substitution template for the rule's SQL version.
// A bad expression is a *SQLParseError.
func (c ActionCompiler) Template(s string) (*Template, error) {
	return compileTemplate(s, c.version, c.compat)
}

// SQLVersion returns the rule's SQL version.
func (c ActionCompiler) SQLVersion() string { return string(c.version) }

// ActionRecord is one action execution, reported to Config.OnAction.
type ActionRecord struct {
	Rule string `json:"rule"`
	// Type is the AWS Action member name ("" for Go actions).
	Type        string    `json:"type"`
	ErrorAction bool      `json:"errorAction,omitempty"`
	Resource    string    `json:"resource,omitempty"`
	Topic       string    `json:"topic"`
	TraceID     string    `json:"traceId,omitempty"`
	Time        time.Time `json:"time"`
	Request     any       `json:"request,omitempty"`
	Result      any       `json:"result,omitempty"`
	// Error is the failure's message; "" on success.
	Error string `json:"error,omitempty"`
	// Err is the failure itself, for errors.Is in Go.
	Err error `json:"-"`
}

// execute runs an action and reports it.
func execute(ctx context.Context, a Action, out Output) (Report, error) {
	if ra, ok := a.(ReportingAction); ok {
		return ra.Execute(ctx, out)
	}
	return Report{}, a.Do(ctx, out)
}
