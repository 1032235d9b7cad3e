package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions/internal/awswire"
)

// CloudwatchLogs is AWS's CloudwatchLogsAction: PutLogEvents of the rule
// output; with batchMode, an output array of {"timestamp", "message"}
// objects is one event each. AWS: cloudwatch-logs-rule-action.html;
// service-2.json CloudwatchLogsAction (logGroupName and roleArn required;
// logGroupName a template through the API and CLI). AWS creates the log
// stream itself (logs:CreateLogStream) without documenting its name;
// iotemu writes to a stream named after the rule, created first.
type CloudwatchLogs struct {
	RoleArn      string `json:"roleArn,omitempty"`
	LogGroupName string `json:"logGroupName"`
	BatchMode    bool   `json:"batchMode,omitempty"`
}

// Type returns "cloudwatchLogs".
func (CloudwatchLogs) Type() string { return "cloudwatchLogs" }

func (a *CloudwatchLogs) check(at string) error { return required(at, "logGroupName", a.LogGroupName) }

func (a *CloudwatchLogs) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	return &logsAction{env: e, spec: *a, group: cc.t(a.LogGroupName)}, cc.err
}

type logsAction struct {
	env   *Env
	spec  CloudwatchLogs
	group *rules.Template
}

const logsVerb = "put CloudWatch log events"

func (a *logsAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	r := renderer{ctx: ctx, out: out}
	group := r.s(a.group)
	rep := rules.Report{Type: "cloudwatchLogs", Resource: group}
	if r.err != nil {
		return rep, fail(logsVerb, r.err)
	}
	events, err := a.events(out.Payload)
	if err != nil {
		return rep, fail(logsVerb, err)
	}
	rec := logsRecord{LogGroupName: group, LogStreamName: out.RuleName}
	for _, ev := range events {
		rec.LogEvents = append(rec.LogEvents, recordedEvent(ev))
	}
	var send func(context.Context) (any, error)
	if svc := a.env.services.logs; svc != nil {
		send = func(ctx context.Context) (any, error) {
			wire := a.env.services.wire
			_, err := wire.JSON(ctx, *svc, "CreateLogStream", logStream{LogGroupName: group, LogStreamName: out.RuleName})
			var api *awswire.APIError
			if err != nil && (!errors.As(err, &api) || api.Code != "ResourceAlreadyExistsException") {
				return nil, fmt.Errorf("create log stream: %w", err)
			}
			return wire.JSON(ctx, *svc, "PutLogEvents", putLogEvents{logStream: logStream{LogGroupName: group, LogStreamName: out.RuleName}, LogEvents: events})
		}
	}
	return rep, a.env.call(ctx, &rep, "logs", "PutLogEvents", logsVerb, rec, send)
}

// logStream is CreateLogStream's input; putLogEvents PutLogEvents' (the
// model's member names are lower camel case).
// AWS: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html#API_CreateLogStream_RequestSyntax
// AWS: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html#API_PutLogEvents_RequestSyntax
type logStream struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
}

type putLogEvents struct {
	logStream
	LogEvents []logEvent `json:"logEvents"`
}

// logEvent is an InputLogEvent on the wire.
type logEvent struct {
	Timestamp int64  `json:"timestamp"`
	Message   string `json:"message"`
}

// logsRecord is the recorded input, with the member names the records
// have always shown (the SDK's field names).
type logsRecord struct {
	LogGroupName  string          `json:"LogGroupName"`
	LogStreamName string          `json:"LogStreamName"`
	LogEvents     []recordedEvent `json:"LogEvents"`
}

type recordedEvent struct {
	Timestamp int64  `json:"Timestamp"`
	Message   string `json:"Message"`
}

// events builds the log events: the whole output at the current time, or
// in batchMode one event per array element.
func (a *logsAction) events(payload []byte) ([]logEvent, error) {
	if !a.spec.BatchMode {
		return []logEvent{{Message: string(payload), Timestamp: a.env.cfg.Now().UnixMilli()}}, nil
	}
	var batch []struct {
		Timestamp *int64  `json:"timestamp"`
		Message   *string `json:"message"`
	}
	if err := json.Unmarshal(payload, &batch); err != nil {
		return nil, errors.New("batchMode requires an array of {\"timestamp\", \"message\"} objects")
	}
	events := make([]logEvent, 0, len(batch))
	for i, b := range batch {
		if b.Timestamp == nil || b.Message == nil {
			return nil, fmt.Errorf("batchMode element %d lacks timestamp or message", i)
		}
		events = append(events, logEvent{Timestamp: *b.Timestamp, Message: *b.Message})
	}
	return events, nil
}
