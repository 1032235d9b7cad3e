package rules

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/iotemu/iotemu/rules/internal/eval"
)

// External functions that call out (aws_lambda, get_dynamodb, get_secret,
// get_registry_data, machinelearning_predict) are recorded like actions:
// one ActionRecord per call, Type the function's name, so a test sees what
// a rule asked and what came back — or that nothing could be asked.

// ErrNotConfigured, returned (wrapped) by an Externals backend, says the
// service the function needs has no endpoint: the call is recorded as not
// sent and its result is Undefined, as a record-only action succeeds
// without sending (docs/compatibility.md "Rules engine").
var ErrNotConfigured = errors.New("not sent: no endpoint configured")

// recordedExternals are the functions recorded (get_thing_shadow reads the
// emulator's own shadows and is not).
var recordedExternals = map[string]bool{
	"aws_lambda": true, "get_dynamodb": true, "get_secret": true, "get_registry_data": true, "machinelearning_predict": true,
}

type externalCallKey struct{}

// externalCall is the rule and message an evaluation's external calls
// belong to.
type externalCall struct {
	rule string
	m    *Message
}

// withExternalCall marks ctx with the rule being evaluated, when records
// are wanted.
func (e *Engine) withExternalCall(ctx context.Context, rule string, m *Message) context.Context {
	if e.cfg.OnAction == nil {
		return ctx
	}
	return context.WithValue(ctx, externalCallKey{}, externalCall{rule, m})
}

// ExternalRequest is the Request of an external function's record.
type ExternalRequest struct {
	Function string `json:"function"`
	Args     []any  `json:"args"`
}

func (e *Engine) recordExternal(ctx context.Context, name string, args []eval.ExtArg, result []byte, err error) {
	call, ok := ctx.Value(externalCallKey{}).(externalCall)
	if !ok || !recordedExternals[name] {
		return
	}
	req := ExternalRequest{Function: name, Args: make([]any, 0, len(args))}
	for _, a := range args {
		switch {
		case a.IsUndefined:
			req.Args = append(req.Args, nil)
		case a.IsString:
			req.Args = append(req.Args, a.Str)
		default:
			req.Args = append(req.Args, json.RawMessage(a.JSON))
		}
	}
	rec := ActionRecord{Rule: call.rule, Type: name, Topic: call.m.Topic, TraceID: call.m.TraceID, Time: e.cfg.Now(),
		Request: req, Err: err}
	if err == nil && json.Valid(result) {
		rec.Result = json.RawMessage(result)
	}
	if err != nil {
		rec.Error = err.Error()
	}
	e.log.Debug("rule external function", "rule", call.rule, "function", name, "error", err)
	e.cfg.OnAction(rec)
}
