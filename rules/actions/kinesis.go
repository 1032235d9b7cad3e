package actions

import (
	"context"

	"github.com/iotemu/iotemu/rules"
)

// Kinesis is AWS's KinesisAction: PutRecord of the rule output.
// AWS: kinesis-rule-action.html; service-2.json KinesisAction (streamName
// and roleArn required; partitionKey a template, streamName a template
// through the API and CLI). Without partitionKey a random UUID is used
// (AWS's choice is undocumented).
type Kinesis struct {
	RoleArn      string `json:"roleArn,omitempty"`
	StreamName   string `json:"streamName"`
	PartitionKey string `json:"partitionKey,omitempty"`
}

// Type returns "kinesis".
func (Kinesis) Type() string { return "kinesis" }

func (a *Kinesis) check(at string) error { return required(at, "streamName", a.StreamName) }

func (a *Kinesis) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	return &kinesisAction{env: e, stream: cc.t(a.StreamName), key: cc.t(a.PartitionKey)}, cc.err
}

type kinesisAction struct {
	env         *Env
	stream, key *rules.Template
}

func (a *kinesisAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	const verb = "put record to Kinesis stream"
	r := renderer{ctx: ctx, out: out}
	stream, key := r.s(a.stream), r.s(a.key)
	rep := rules.Report{Type: "kinesis", Resource: stream}
	if r.err != nil {
		return rep, fail(verb, r.err)
	}
	if key == "" {
		key = a.env.cfg.NewUUID()
	}
	in := kinesisPutRecord{StreamName: stream, PartitionKey: key, Data: out.Payload}
	return rep, a.env.call(ctx, &rep, "kinesis", "PutRecord", verb, in, a.env.jsonSend(a.env.services.kinesis, "PutRecord", in))
}

// kinesisPutRecord is PutRecord's input (Data base64 in JSON).
// AWS: https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html#API_PutRecord_RequestSyntax
type kinesisPutRecord struct {
	StreamName   string `json:"StreamName"`
	PartitionKey string `json:"PartitionKey"`
	Data         []byte `json:"Data"`
}
