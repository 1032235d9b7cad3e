package actions

import (
	"context"
	"fmt"

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
	in := sfnStartExecution{StateMachineArn: arn, Name: prefix + a.env.cfg.NewUUID(), Input: string(out.Payload)}
	rec := sfnRecord(in)
	return rep, a.env.call(ctx, &rep, "states", "StartExecution", verb, rec, a.env.jsonSend(a.env.services.sfn, "StartExecution", in))
}

// sfnStartExecution is StartExecution's input on the wire (the model's
// member names are lower camel case).
// AWS: https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html#API_StartExecution_RequestSyntax
type sfnStartExecution struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Input           string `json:"input"`
}

// sfnRecord is the recorded input, with the member names the records have
// always shown (the SDK's field names).
type sfnRecord struct {
	StateMachineArn string `json:"StateMachineArn"`
	Name            string `json:"Name"`
	Input           string `json:"Input"`
}
