package actions

import (
	"context"
	"encoding/base64"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/iotemu/iotemu/rules"
)

// SQS is AWS's SqsAction: SendMessage of the rule output to queueUrl,
// base64-encoded when useBase64 is true.
// AWS: sqs-rule-action.html; service-2.json SqsAction (queueUrl and
// roleArn required; queueUrl a template through the API and CLI).
type SQS struct {
	RoleArn   string `json:"roleArn,omitempty"`
	QueueURL  string `json:"queueUrl"`
	UseBase64 bool   `json:"useBase64,omitempty"`
}

// Type returns "sqs".
func (SQS) Type() string { return "sqs" }

func (a *SQS) check(at string) error { return required(at, "queueUrl", a.QueueURL) }

func (a *SQS) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	return &sqsAction{env: e, spec: *a, queue: cc.t(a.QueueURL)}, cc.err
}

type sqsAction struct {
	env   *Env
	spec  SQS
	queue *rules.Template
}

func (a *sqsAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	const verb = "send message to SQS queue"
	r := renderer{ctx: ctx, out: out}
	queue := r.s(a.queue)
	rep := rules.Report{Type: "sqs", Resource: queue}
	if r.err != nil {
		return rep, fail(verb, r.err)
	}
	body := string(out.Payload)
	if a.spec.UseBase64 {
		body = base64.StdEncoding.EncodeToString(out.Payload)
	}
	in := &sqs.SendMessageInput{QueueUrl: aws.String(queue), MessageBody: aws.String(body)}
	var send func(context.Context) (any, error)
	if c := a.env.clients.sqs; c != nil {
		send = func(ctx context.Context) (any, error) { return c.SendMessage(ctx, in) }
	}
	return rep, a.env.call(ctx, &rep, "sqs", "SendMessage", verb, in, send)
}
