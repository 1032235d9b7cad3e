package rules

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// ErrorPayload is the message the error action receives when actions of a
// rule failed for a message: one per rule and message, listing every
// failure. AWS: https://docs.aws.amazon.com/iot/latest/developerguide/rule-error-handling.html#rule-error-message-format
type ErrorPayload struct {
	RuleName              string    `json:"ruleName"`
	Topic                 string    `json:"topic"`
	CloudwatchTraceID     string    `json:"cloudwatchTraceId"`
	ClientID              string    `json:"clientId"`
	Base64OriginalPayload string    `json:"base64OriginalPayload"`
	Failures              []Failure `json:"failures"`
}

// Failure is one failed action of an ErrorPayload.
type Failure struct {
	FailedAction   string `json:"failedAction"`
	FailedResource string `json:"failedResource"`
	ErrorMessage   string `json:"errorMessage"`
}

// failedActionNames maps an Action member to the failedAction value: the
// name of its shape in the IoT model. AWS: rule-error-handling.html shows
// "S3Action" (the s3 member's shape); the others follow the same pattern
// from iot/2015-05-28/service-2.json (unconfirmed, docs/compatibility.md).
var failedActionNames = map[string]string{
	"republish": "RepublishAction", "lambda": "LambdaAction", "http": "HttpAction", "sqs": "SqsAction",
	"sns": "SnsAction", "dynamoDB": "DynamoDBAction", "dynamoDBv2": "DynamoDBv2Action", "kinesis": "KinesisAction",
	"firehose": "FirehoseAction", "s3": "S3Action", "cloudwatchMetric": "CloudwatchMetricAction",
	"cloudwatchLogs": "CloudwatchLogsAction", "timestream": "TimestreamAction", "stepFunctions": "StepFunctionsAction",
}

// FailedActionName returns the failedAction value for an Action member
// name; a Go action (type "") is named after its Go type.
func FailedActionName(actionType string, a Action) string {
	if n, ok := failedActionNames[actionType]; ok {
		return n
	}
	if actionType != "" {
		return strings.ToUpper(actionType[:1]) + actionType[1:] + "Action"
	}
	t := fmt.Sprintf("%T", a)
	return t[strings.LastIndexAny(t, ".*")+1:]
}

// errorPayload builds the error action's message for out's message.
func (e *Engine) errorPayload(out Output, errs []ActionError) []byte {
	m := out.Message
	p := ErrorPayload{
		RuleName: out.RuleName, Topic: m.Topic, CloudwatchTraceID: m.TraceID, ClientID: m.ClientID,
		Base64OriginalPayload: base64.StdEncoding.EncodeToString(m.Payload),
		Failures:              make([]Failure, 0, len(errs)),
	}
	if p.CloudwatchTraceID == "" {
		p.CloudwatchTraceID = e.cfg.NewUUID()
	}
	if p.ClientID == "" {
		p.ClientID = "n/a" // as clientid() for messages not sent over MQTT
	}
	for _, ae := range errs {
		p.Failures = append(p.Failures, Failure{
			FailedAction: FailedActionName(ae.Type, ae.Action), FailedResource: ae.Resource, ErrorMessage: ae.Err.Error(),
		})
	}
	b, _ := json.Marshal(p) // strings only: cannot fail
	return b
}

// runErrorAction runs the rule's error action once for the failures of
// one message. Its own failure is logged and recorded, never retried or
// reported to another error action. AWS: rule-error-handling.html.
func (e *Engine) runErrorAction(ctx context.Context, r *rule, out Output, errs []ActionError) {
	if r.errAction == nil {
		return
	}
	eo := out
	eo.Payload = e.errorPayload(out, errs)
	rep, err := execute(ctx, r.errAction, eo)
	e.record(eo, rep, err, true)
	if err != nil {
		e.log.Warn("rule error action failed", "rule", r.name, "error", err)
	}
}

// record reports an action execution to Config.OnAction and the debug log.
func (e *Engine) record(out Output, rep Report, err error, errorAction bool) {
	e.log.Debug("rule action", "rule", out.RuleName, "type", rep.Type, "errorAction", errorAction,
		"resource", rep.Resource, "request", rep.Request, "result", rep.Result, "error", err)
	if e.cfg.OnAction == nil {
		return
	}
	rec := ActionRecord{
		Rule: out.RuleName, Type: rep.Type, ErrorAction: errorAction, Resource: rep.Resource,
		Topic: out.Message.Topic, TraceID: out.Message.TraceID, Time: e.cfg.Now(),
		Request: rep.Request, Result: rep.Result, Err: err,
	}
	if err != nil {
		rec.Error = err.Error()
	}
	e.cfg.OnAction(rec)
}
