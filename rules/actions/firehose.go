package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

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
		in := firehosePutRecord{DeliveryStreamName: stream, Record: firehoseRecord{Data: data}}
		return rep, a.env.call(ctx, &rep, "firehose", "PutRecord", firehoseVerb, in, a.env.jsonSend(a.env.services.firehose, "PutRecord", in))
	}
	in, err := a.batch(stream, out.Payload)
	if err != nil {
		return rep, fail(firehoseVerb, err)
	}
	return rep, a.env.call(ctx, &rep, "firehose", "PutRecordBatch", firehoseVerb, in, a.env.jsonSend(a.env.services.firehose, "PutRecordBatch", in))
}

// firehosePutRecord and firehosePutRecordBatch are the operations' inputs
// (Data base64 in JSON).
// AWS: https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecord.html#API_PutRecord_RequestSyntax
// AWS: https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html#API_PutRecordBatch_RequestSyntax
type firehosePutRecord struct {
	DeliveryStreamName string         `json:"DeliveryStreamName"`
	Record             firehoseRecord `json:"Record"`
}

type firehosePutRecordBatch struct {
	DeliveryStreamName string           `json:"DeliveryStreamName"`
	Records            []firehoseRecord `json:"Records"`
}

type firehoseRecord struct {
	Data []byte `json:"Data"`
}

// batch splits an array output into records.
func (a *firehoseAction) batch(stream string, payload []byte) (firehosePutRecordBatch, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal(payload, &elems); err != nil {
		return firehosePutRecordBatch{}, errors.New("batchMode requires the rule output to be a JSON array")
	}
	if len(elems) == 0 || len(elems) > maxFirehoseBatch {
		return firehosePutRecordBatch{}, fmt.Errorf("batchMode requires 1 to %d elements, got %d", maxFirehoseBatch, len(elems))
	}
	in := firehosePutRecordBatch{DeliveryStreamName: stream}
	for _, el := range elems {
		in.Records = append(in.Records, firehoseRecord{Data: append(append([]byte{}, el...), a.spec.Separator...)})
	}
	return in, nil
}
