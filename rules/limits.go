package rules

import (
	"context"
	"errors"
	"fmt"

	"github.com/iotemu/iotemu/rules/internal/eval"
)

// MaxPayloadBytes bounds the rule output every action receives: AWS's
// message size, 128 KB. A larger output fails each action (the error action
// fires) instead of being sent; the error action's own payload is exempt
// (it carries the original message in base64).
// AWS: https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits
const MaxPayloadBytes = 128 * 1024

var (
	// ErrEvalTooLarge reports an evaluation that built a value past the
	// limits of docs/compatibility.md "Rules engine" (eval.MaxValueBytes
	// per value, eval.MaxEvalBytes in total).
	ErrEvalTooLarge = eval.ErrTooLarge
	// ErrPayloadTooLarge reports an output larger than MaxPayloadBytes.
	ErrPayloadTooLarge = errors.New("payload exceeds the 128 KB message size limit")
)

// TypedAction is an Action that knows its AWS Action member name without
// running ("republish", "sqs"...); an action that fails before it runs is
// reported under it.
type TypedAction interface {
	Action
	ActionType() string
}

func actionType(a Action) string {
	if t, ok := a.(TypedAction); ok {
		return t.ActionType()
	}
	return ""
}

// limitFailure is an evaluation stopped by a limit (time, memory): unlike a
// failed external function, iotemu reports it to the error action as a
// failure of every action, which did not run (docs/compatibility.md).
func limitFailure(err error) bool {
	return errors.Is(err, eval.ErrTooLarge) || errors.Is(err, eval.ErrTimeout)
}

// failAll reports err as the failure of each action of r and runs the error
// action.
func (e *Engine) failAll(ctx context.Context, r *rule, out Output, err error) []ActionError {
	errs := make([]ActionError, 0, len(r.actions))
	for i, a := range r.actions {
		t := actionType(a)
		errs = append(errs, ActionError{Index: i, Action: r.spec.Actions[i], Type: t, Err: err})
		e.record(out, Report{Type: t}, err, false)
	}
	e.runErrorAction(ctx, r, out, errs)
	return errs
}

// oversize returns the failure of an action given a payload past
// MaxPayloadBytes, nil when it fits.
func oversize(payload []byte) error {
	if len(payload) <= MaxPayloadBytes {
		return nil
	}
	return fmt.Errorf("%w: %d bytes", ErrPayloadTooLarge, len(payload))
}
