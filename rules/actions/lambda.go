package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

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

// invoke tries the in-process functions, then the Lambda endpoint, else
// records the request.
func (a *lambdaAction) invoke(ctx context.Context, req *InvokeRequest) (*InvokeResult, error) {
	ctx, cancel := context.WithTimeout(ctx, a.env.cfg.Timeout)
	defer cancel()
	if f := a.env.cfg.Functions; f != nil {
		out, err := f.Invoke(ctx, req.FunctionName, req.Payload)
		if !errors.Is(err, ErrFunctionNotFound) {
			req.Via = "in-process"
			return inProcessResult(out, err)
		}
	}
	c := a.env.clients.lambda
	if c == nil {
		return &InvokeResult{NotSent: "no in-process function and no endpoint configured for lambda"}, nil
	}
	req.Via = a.env.cfg.Endpoints.endpoint(a.env.cfg.Endpoints.Lambda)
	out, err := c.Invoke(ctx, &lambda.InvokeInput{
		FunctionName: aws.String(req.FunctionName), InvocationType: lambdatypes.InvocationTypeEvent, Payload: req.Payload,
	})
	if err != nil {
		return nil, fail(lambdaVerb, err)
	}
	res := &InvokeResult{StatusCode: int(out.StatusCode), FunctionError: aws.ToString(out.FunctionError)}
	if json.Valid(out.Payload) {
		res.Payload = out.Payload
	}
	return res, nil
}

// functionError is the error of a function that ran and failed
// (lambdafn.FunctionError).
type functionError interface {
	ErrorType() string
	ErrorMessage() string
}

func inProcessResult(out []byte, err error) (*InvokeResult, error) {
	var fe functionError
	switch {
	case errors.As(err, &fe):
		b, _ := json.Marshal(map[string]string{"errorMessage": fe.ErrorMessage(), "errorType": fe.ErrorType()})
		return &InvokeResult{StatusCode: 202, FunctionError: "Unhandled", Payload: b}, nil
	case err != nil:
		return nil, fail(lambdaVerb, fmt.Errorf("in-process invoke: %w", err))
	}
	res := &InvokeResult{StatusCode: 202}
	if json.Valid(out) {
		res.Payload = out
	}
	return res, nil
}
