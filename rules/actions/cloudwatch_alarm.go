package actions

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/iotemu/iotemu/rules"
)

// CloudwatchAlarm is AWS's CloudwatchAlarmAction: SetAlarmState of
// alarmName. alarmName, stateReason and stateValue are templates.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/cloudwatch-alarms-rule-action.html#cloudwatch-alarms-rule-action-parameters;
// service-2.json CloudwatchAlarmAction (all four members required).
type CloudwatchAlarm struct {
	RoleArn     string `json:"roleArn,omitempty"`
	AlarmName   string `json:"alarmName"`
	StateReason string `json:"stateReason"`
	StateValue  string `json:"stateValue"`
}

// Type returns "cloudwatchAlarm".
func (CloudwatchAlarm) Type() string { return "cloudwatchAlarm" }

func (a *CloudwatchAlarm) check(at string) error {
	return required(at, "alarmName", a.AlarmName, "stateReason", a.StateReason, "stateValue", a.StateValue)
}

func (a *CloudwatchAlarm) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	return &alarmAction{env: e, name: cc.t(a.AlarmName), reason: cc.t(a.StateReason), value: cc.t(a.StateValue)}, cc.err
}

type alarmAction struct {
	env                 *Env
	name, reason, value *rules.Template
}

func (a *alarmAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	const verb = "set CloudWatch alarm state"
	r := renderer{ctx: ctx, out: out}
	name, reason, value := r.s(a.name), r.s(a.reason), r.s(a.value)
	rep := rules.Report{Type: "cloudwatchAlarm", Resource: name}
	if r.err != nil {
		return rep, fail(verb, r.err)
	}
	in := &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(name), StateReason: aws.String(reason), StateValue: cwtypes.StateValue(value)}
	var send func(context.Context) (any, error)
	if c := a.env.clients.cw; c != nil {
		send = func(ctx context.Context) (any, error) { return c.SetAlarmState(ctx, in) }
	}
	return rep, a.env.call(ctx, &rep, "monitoring", "SetAlarmState", verb, in, send)
}
