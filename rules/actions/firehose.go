package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"

	"github.com/iotemu/iotemu/rules"
)

// Firehose is AWS's FirehoseAction: PutRecord of the rule output followed
// by separator; with batchMode, an array output becomes one record per
// element (PutRecordBatch, at most 500).
// AWS: kinesis-firehose-rule-action.html; service-2.json FirehoseAction
// (deliveryStreamName and roleArn required; separator one of "\n", "\t",
// "\r\n", ","; deliveryStreamName a template through the API and CLI).
type Firehose struct {
	RoleArn            string `json:"roleArn,omitempty"`
	DeliveryStreamName string `json:"deliveryStreamName"`
	Separator          string `json:"separator,omitempty"`
	BatchMode          bool   `json:"batchMode,omitempty"`
}

// maxFirehoseBatch is PutRecordBatch's limit. AWS: kinesis-firehose-rule-action.html.
const maxFirehoseBatch = 500

// Type returns "firehose".
func (Firehose) Type() string { return "firehose" }

func (a *Firehose) check(at string) error {
	if a.Separator != "" && !slices.Contains([]string{"\n", "\t", "\r\n", ","}, a.Separator) {
		return &ValidationError{Message: fmt.Sprintf("Value '%s' at '%s.separator' failed to satisfy constraint: Member must satisfy regular expression pattern: ([\\n\\t])|(\\r\\n)|(,)", a.Separator, at)}
	}
	return required(at, "deliveryStreamName", a.DeliveryStreamName)
}

func (a *Firehose) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	return &firehoseAction{env: e, spec: *a, stream: cc.t(a.DeliveryStreamName)}, cc.err
}

type firehoseAction struct {
	env    *Env
	spec   Firehose
	stream *rules.Template
}

const firehoseVerb = "put record to Firehose delivery stream"

func (a *firehoseAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	r := renderer{ctx: ctx, out: out}
	stream := r.s(a.stream)
	rep := rules.Report{Type: "firehose", Resource: stream}
	if r.err != nil {
		return rep, fail(firehoseVerb, r.err)
	}
	if !a.spec.BatchMode {
		data := append(append([]byte{}, out.Payload...), a.spec.Separator...)
		in := &firehose.PutRecordInput{DeliveryStreamName: aws.String(stream), Record: &fhtypes.Record{Data: data}}
		var send func(context.Context) (any, error)
		if c := a.env.clients.firehose; c != nil {
			send = func(ctx context.Context) (any, error) { return c.PutRecord(ctx, in) }
		}
		return rep, a.env.call(ctx, &rep, "firehose", "PutRecord", firehoseVerb, in, send)
	}
	in, err := a.batch(stream, out.Payload)
	if err != nil {
		return rep, fail(firehoseVerb, err)
	}
	var send func(context.Context) (any, error)
	if c := a.env.clients.firehose; c != nil {
		send = func(ctx context.Context) (any, error) { return c.PutRecordBatch(ctx, in) }
	}
	return rep, a.env.call(ctx, &rep, "firehose", "PutRecordBatch", firehoseVerb, in, send)
}

// batch splits an array output into records.
func (a *firehoseAction) batch(stream string, payload []byte) (*firehose.PutRecordBatchInput, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal(payload, &elems); err != nil {
		return nil, errors.New("batchMode requires the rule output to be a JSON array")
	}
	if len(elems) == 0 || len(elems) > maxFirehoseBatch {
		return nil, fmt.Errorf("batchMode requires 1 to %d elements, got %d", maxFirehoseBatch, len(elems))
	}
	in := &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(stream)}
	for _, el := range elems {
		in.Records = append(in.Records, fhtypes.Record{Data: append(append([]byte{}, el...), a.spec.Separator...)})
	}
	return in, nil
}
