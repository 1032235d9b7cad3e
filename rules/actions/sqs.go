package actions

import (
	"context"
	"encoding/base64"

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
	in := sqsSendMessage{QueueURL: queue, MessageBody: body}
	return rep, a.env.call(ctx, &rep, "sqs", "SendMessage", verb, sqsRecord{in, 0}, a.env.jsonSend(a.env.services.sqs, "SendMessage", in))
}

// sqsSendMessage is SendMessage's input on the wire.
// AWS: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html#API_SendMessage_RequestSyntax
type sqsSendMessage struct {
	QueueURL    string `json:"QueueUrl"`
	MessageBody string `json:"MessageBody"`
}

// sqsRecord is the recorded input, with the DelaySeconds 0 that the
// records have always shown (the SDK's input had it; the wire omits it).
type sqsRecord struct {
	sqsSendMessage
	DelaySeconds int `json:"DelaySeconds"`
}
