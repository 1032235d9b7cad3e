package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/iotemu/iotemu/rules"
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
	in := &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(out.RuleName), LogEvents: events}
	var send func(context.Context) (any, error)
	if c := a.env.clients.logs; c != nil {
		send = func(ctx context.Context) (any, error) {
			_, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: in.LogGroupName, LogStreamName: in.LogStreamName})
			var exists *logtypes.ResourceAlreadyExistsException
			if err != nil && !errors.As(err, &exists) {
				return nil, fmt.Errorf("create log stream: %w", err)
			}
			return c.PutLogEvents(ctx, in)
		}
	}
	return rep, a.env.call(ctx, &rep, "logs", "PutLogEvents", logsVerb, in, send)
}

// events builds the log events: the whole output at the current time, or
// in batchMode one event per array element.
func (a *logsAction) events(payload []byte) ([]logtypes.InputLogEvent, error) {
	if !a.spec.BatchMode {
		return []logtypes.InputLogEvent{{Message: aws.String(string(payload)), Timestamp: aws.Int64(a.env.cfg.Now().UnixMilli())}}, nil
	}
	var batch []struct {
		Timestamp *int64  `json:"timestamp"`
		Message   *string `json:"message"`
	}
	if err := json.Unmarshal(payload, &batch); err != nil {
		return nil, errors.New("batchMode requires an array of {\"timestamp\", \"message\"} objects")
	}
	events := make([]logtypes.InputLogEvent, 0, len(batch))
	for i, b := range batch {
		if b.Timestamp == nil || b.Message == nil {
			return nil, fmt.Errorf("batchMode element %d lacks timestamp or message", i)
		}
		events = append(events, logtypes.InputLogEvent{Timestamp: b.Timestamp, Message: b.Message})
	}
	return events, nil
}
