package actions

import (
	"context"

	"github.com/iotemu/iotemu/rules"
)

// IotEvents is AWS's IotEventsAction: BatchPutMessage of the rule output
// to the input inputName (a template through the API and CLI); messageId
// is a template, a new UUID by default and always with batchMode, where an
// output array is one message per element. iotemu does not send it.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iotevents-rule-action.html#iotevents-rule-action-parameters;
// service-2.json IotEventsAction (inputName and roleArn required).
type IotEvents struct {
	RoleArn   string `json:"roleArn,omitempty"`
	InputName string `json:"inputName"`
	MessageID string `json:"messageId,omitempty"`
	BatchMode bool   `json:"batchMode,omitempty"`
}

// Type returns "iotEvents".
func (IotEvents) Type() string { return "iotEvents" }

func (a *IotEvents) check(at string) error { return required(at, "inputName", a.InputName) }

func (a *IotEvents) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	return &eventsAction{env: e, batch: a.BatchMode, input: cc.t(a.InputName), id: cc.t(a.MessageID)}, cc.err
}

type eventsAction struct {
	env       *Env
	batch     bool
	input, id *rules.Template
}

// eventsInput is iotevents-data BatchPutMessage.
type eventsInput struct {
	Messages []eventsMessage `json:"messages"`
}

type eventsMessage struct {
	MessageID string `json:"messageId"`
	InputName string `json:"inputName"`
	Payload   []byte `json:"payload"`
}

func (a *eventsAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	r := renderer{ctx: ctx, out: out}
	input, id := r.s(a.input), r.s(a.id)
	rep := rules.Report{Type: "iotEvents", Resource: input}
	if r.err != nil {
		return rep, fail("put messages to IoT Events input", r.err)
	}
	var in eventsInput
	for _, p := range batchPayloads(out.Payload, a.batch) {
		mid := id
		if mid == "" || a.batch {
			mid = a.env.cfg.NewUUID()
		}
		in.Messages = append(in.Messages, eventsMessage{MessageID: mid, InputName: input, Payload: p})
	}
	recordOnly(&rep, "iotEvents", "iotevents-data", "BatchPutMessage", in)
	return rep, nil
}
