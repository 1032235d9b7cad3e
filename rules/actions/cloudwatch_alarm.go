package actions

import (
	"context"

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
	in := setAlarmState{AlarmName: name, StateReason: reason, StateValue: value}
	return rep, a.env.call(ctx, &rep, "monitoring", "SetAlarmState", verb, in, a.env.cborSend(a.env.services.cw, "SetAlarmState", in))
}

// setAlarmState is SetAlarmState's input, recorded (JSON) and sent (CBOR).
// AWS: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html#API_SetAlarmState_RequestParameters
type setAlarmState struct {
	AlarmName   string `json:"AlarmName"`
	StateReason string `json:"StateReason"`
	StateValue  string `json:"StateValue"`
}
