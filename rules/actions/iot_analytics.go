package actions

import (
	"context"

	"github.com/iotemu/iotemu/rules"
)

// IotAnalytics is AWS's IotAnalyticsAction: BatchPutMessage of the rule
// output to channelName (a template through the API and CLI); with
// batchMode an output array is one message per element. iotemu does not
// send it.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iotanalytics-rule-action.html#iotanalytics-rule-action-parameters;
// service-2.json IotAnalyticsAction (no member required by the model).
type IotAnalytics struct {
	RoleArn     string `json:"roleArn,omitempty"`
	ChannelArn  string `json:"channelArn,omitempty"`
	ChannelName string `json:"channelName,omitempty"`
	BatchMode   bool   `json:"batchMode,omitempty"`
}

// Type returns "iotAnalytics".
func (IotAnalytics) Type() string { return "iotAnalytics" }

func (a *IotAnalytics) check(string) error { return nil }

func (a *IotAnalytics) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	return &analyticsAction{env: e, spec: *a, channel: cc.t(a.ChannelName)}, cc.err
}

type analyticsAction struct {
	env     *Env
	spec    IotAnalytics
	channel *rules.Template
}

// analyticsInput is iotanalytics BatchPutMessage.
type analyticsInput struct {
	ChannelName string             `json:"channelName"`
	Messages    []analyticsMessage `json:"messages"`
}

type analyticsMessage struct {
	MessageID string `json:"messageId"`
	Payload   []byte `json:"payload"`
}

func (a *analyticsAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	r := renderer{ctx: ctx, out: out}
	channel := r.s(a.channel)
	if channel == "" {
		channel = a.spec.ChannelArn
	}
	rep := rules.Report{Type: "iotAnalytics", Resource: channel}
	if r.err != nil {
		return rep, fail("put messages to IoT Analytics channel", r.err)
	}
	in := analyticsInput{ChannelName: channel}
	for _, p := range batchPayloads(out.Payload, a.spec.BatchMode) {
		in.Messages = append(in.Messages, analyticsMessage{MessageID: a.env.cfg.NewUUID(), Payload: p})
	}
	recordOnly(&rep, "iotAnalytics", "iotanalytics", "BatchPutMessage", in)
	return rep, nil
}
