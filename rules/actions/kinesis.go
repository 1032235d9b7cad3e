package actions

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

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
	in := &kinesis.PutRecordInput{StreamName: aws.String(stream), PartitionKey: aws.String(key), Data: out.Payload}
	var send func(context.Context) (any, error)
	if c := a.env.clients.kinesis; c != nil {
		send = func(ctx context.Context) (any, error) { return c.PutRecord(ctx, in) }
	}
	return rep, a.env.call(ctx, &rep, "kinesis", "PutRecord", verb, in, send)
}
