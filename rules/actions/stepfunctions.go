package actions

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/iotemu/iotemu/rules"
)

// StepFunctions is AWS's StepFunctionsAction: StartExecution of the state
// machine named stateMachineName with the rule output as input; the
// execution name is executionNamePrefix followed by a UUID.
// AWS: stepfunctions-rule-action.html; service-2.json StepFunctionsAction
// (stateMachineName and roleArn required; executionNamePrefix a template).
type StepFunctions struct {
	RoleArn             string `json:"roleArn,omitempty"`
	StateMachineName    string `json:"stateMachineName"`
	ExecutionNamePrefix string `json:"executionNamePrefix,omitempty"`
}

// Type returns "stepFunctions".
func (StepFunctions) Type() string { return "stepFunctions" }

func (a *StepFunctions) check(at string) error {
	return required(at, "stateMachineName", a.StateMachineName)
}

func (a *StepFunctions) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	return &sfnAction{env: e, machine: cc.t(a.StateMachineName), prefix: cc.t(a.ExecutionNamePrefix)}, cc.err
}

type sfnAction struct {
	env             *Env
	machine, prefix *rules.Template
}

func (a *sfnAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	const verb = "start Step Functions execution"
	r := renderer{ctx: ctx, out: out}
	machine, prefix := r.s(a.machine), r.s(a.prefix)
	rep := rules.Report{Type: "stepFunctions", Resource: machine}
	if r.err != nil {
		return rep, fail(verb, r.err)
	}
	arn := fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", a.env.cfg.Region, a.env.cfg.AccountID, machine)
	in := &sfn.StartExecutionInput{
		StateMachineArn: aws.String(arn), Name: aws.String(prefix + a.env.cfg.NewUUID()), Input: aws.String(string(out.Payload)),
	}
	var send func(context.Context) (any, error)
	if c := a.env.clients.sfn; c != nil {
		send = func(ctx context.Context) (any, error) { return c.StartExecution(ctx, in) }
	}
	return rep, a.env.call(ctx, &rep, "states", "StartExecution", verb, in, send)
}
