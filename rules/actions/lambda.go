package actions

import (
	"context"
	"encoding/json"
	"errors"

	"net/http"

	"github.com/iotemu/iotemu/lambdafn"
	"github.com/iotemu/iotemu/rules"
)

// Lambda is AWS's LambdaAction: the rule output is the event of an
// asynchronous invocation (InvocationType Event) of functionArn.
// AWS: lambda-rule-action.html; service-2.json LambdaAction (functionArn
// required, a template through the API and CLI).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/lambda-rule-action.html#lambda-rule-action-parameters
type Lambda struct {
	FunctionArn string `json:"functionArn"`
}

// Type returns "lambda".
func (Lambda) Type() string { return "lambda" }

func (a *Lambda) check(at string) error { return required(at, "functionArn", a.FunctionArn) }

func (a *Lambda) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	la := &lambdaAction{env: e, fn: cc.t(a.FunctionArn)}
	return la, cc.err
}

type lambdaAction struct {
	env *Env
	fn  *rules.Template
}

// InvokeRequest is the rendered request of a Lambda action: the Invoke API
// call. AWS: API_Invoke.html.
type InvokeRequest struct {
	FunctionName   string          `json:"FunctionName"`
	InvocationType string          `json:"InvocationType"`
	Payload        json.RawMessage `json:"Payload"`
	// Via is "in-process", the Lambda endpoint, or "" when not sent.
	Via string `json:"via,omitempty"`
}

// InvokeResult is what an invocation returned. An asynchronous invocation
// answers 202; a function error does not fail the action (Lambda handles
// it after accepting the event), it is only recorded.
type InvokeResult struct {
	StatusCode    int             `json:"StatusCode"`
	FunctionError string          `json:"FunctionError,omitempty"`
	Payload       json.RawMessage `json:"Payload,omitempty"`
	NotSent       string          `json:"notSent,omitempty"`
}

const lambdaVerb = "invoke Lambda function"

func (a *lambdaAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	r := renderer{ctx: ctx, out: out}
	fn := r.s(a.fn)
	rep := rules.Report{Type: "lambda", Resource: fn}
	if r.err != nil {
		return rep, fail(lambdaVerb, r.err)
	}
	req := InvokeRequest{FunctionName: fn, InvocationType: "Event", Payload: out.Payload}
	if !json.Valid(out.Payload) {
		// AWS: lambda-rule-action.html (binary payloads need encode(*,'base64')).
		req.Payload = nil
		rep.Request = req
		return rep, fail(lambdaVerb, errors.New("InvalidRequestContentException: Could not parse request body into json"))
	}
	res, err := a.invoke(ctx, &req)
	rep.Request, rep.Result = req, res
	return rep, err
}

// invoke runs the function through the Invoker: in process, else the
// Lambda endpoint, else the request is recorded as not sent.
func (a *lambdaAction) invoke(ctx context.Context, req *InvokeRequest) (*InvokeResult, error) {
	ctx, cancel := context.WithTimeout(ctx, a.env.cfg.Timeout)
	defer cancel()
	out, err := a.env.cfg.Functions.Invoke(ctx, lambdafn.Request{Function: req.FunctionName, Payload: req.Payload, Type: lambdafn.Event})
	req.Via = out.Via
	var fe *lambdafn.FunctionError
	switch {
	case errors.Is(err, lambdafn.ErrFunctionNotFound) && out.Via == "":
		return &InvokeResult{NotSent: "no in-process function and no endpoint configured for lambda"}, nil
	case errors.As(err, &fe):
		// A function error does not fail an asynchronous invocation: Lambda
		// accepted the event (202) and handles the error itself.
		return &InvokeResult{StatusCode: http.StatusAccepted, FunctionError: out.FunctionError, Payload: out.Payload}, nil
	case err != nil:
		return nil, fail(lambdaVerb, err)
	}
	return &InvokeResult{StatusCode: out.StatusCode, FunctionError: out.FunctionError, Payload: out.Payload}, nil
}
