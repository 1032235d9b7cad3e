package controlplane

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions"
)

// topicRulePayload is AWS's TopicRulePayload, the body of CreateTopicRule
// and ReplaceTopicRule and the "topicRulePayload" of a fixtures rule.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_TopicRulePayload.html#API_TopicRulePayload_Contents
// (sql and actions are required, at most 10 actions).
type topicRulePayload struct {
	SQL              *string           `json:"sql"`
	Description      string            `json:"description"`
	Actions          []json.RawMessage `json:"actions"`
	RuleDisabled     bool              `json:"ruleDisabled"`
	AwsIotSqlVersion string            `json:"awsIotSqlVersion"`
	ErrorAction      json.RawMessage   `json:"errorAction"`
}

// ruleDefinition is kept with a rule (rules.Rule.Definition) so that
// GetTopicRule returns the actions as they were given, also the types this
// version does not run.
type ruleDefinition struct {
	Actions     []json.RawMessage
	ErrorAction json.RawMessage
}

// actionTypes are the members of AWS's Action union.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_Action.html#API_Action_Contents
var actionTypes = []string{
	"cloudwatchAlarm", "cloudwatchLogs", "cloudwatchMetric", "dynamoDB", "dynamoDBv2", "elasticsearch",
	"firehose", "http", "iotAnalytics", "iotEvents", "iotSiteWise", "kafka", "kinesis", "lambda",
	"location", "openSearch", "republish", "s3", "salesforce", "sns", "sqs", "stepFunctions", "timestream",
}

// ActionParser is what the topic rules need of the rules' service actions
// (*actions.Env): an Action member's JSON body turned into what runs it.
type ActionParser interface {
	Parse(actionType string, body []byte, at string) (rules.Action, error)
}

var _ ActionParser = (*actions.Env)(nil)

// errPayload reports a malformed TopicRulePayload (InvalidRequestException).
var errPayload = errors.New("invalid topic rule payload")

// validationError words a payload problem as AWS's validation messages do.
func validationError(format string, args ...any) error {
	return fmt.Errorf("%w: 1 validation error detected: %s", errPayload, fmt.Sprintf(format, args...))
}

// parseTopicRule turns a TopicRulePayload into a rule: republish runs in
// package rules, the service actions in rules/actions (env); the other
// action types are kept for GetTopicRule and run nothing.
func parseTopicRule(env ActionParser, name string, body []byte) (rules.Rule, error) {
	var p topicRulePayload
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&p); err != nil {
		return rules.Rule{}, fmt.Errorf("%w: malformed JSON: %w", errPayload, err)
	}
	if dec.More() {
		return rules.Rule{}, fmt.Errorf("%w: malformed JSON: data after the payload", errPayload)
	}
	if p.SQL == nil {
		return rules.Rule{}, validationError("Value null at 'topicRulePayload.sql' failed to satisfy constraint: Member must not be null")
	}
	if p.Actions == nil {
		return rules.Rule{}, validationError("Value null at 'topicRulePayload.actions' failed to satisfy constraint: Member must not be null")
	}
	r := rules.Rule{Name: name, SQL: *p.SQL, SQLVersion: p.AwsIotSqlVersion, Description: p.Description, Disabled: p.RuleDisabled}
	def := &ruleDefinition{}
	for i, raw := range p.Actions {
		a, compact, err := parseAction(env, raw, fmt.Sprintf("topicRulePayload.actions.%d", i+1))
		if err != nil {
			return rules.Rule{}, err
		}
		r.Actions = append(r.Actions, a)
		def.Actions = append(def.Actions, compact)
	}
	if len(p.ErrorAction) > 0 && string(p.ErrorAction) != "null" {
		a, compact, err := parseAction(env, p.ErrorAction, "topicRulePayload.errorAction")
		if err != nil {
			return rules.Rule{}, err
		}
		r.ErrorAction, def.ErrorAction = a, compact
	}
	r.Definition = def
	return r, nil
}

// parseAction checks that an Action has exactly one known member and
// builds what runs it.
func parseAction(env ActionParser, raw json.RawMessage, at string) (rules.Action, json.RawMessage, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil || members == nil {
		return nil, nil, validationError("Value at '%s' failed to satisfy constraint: Member must be an object", at)
	}
	if len(members) != 1 {
		return nil, nil, validationError("Value at '%s' failed to satisfy constraint: Member must have exactly one action type, got %d", at, len(members))
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, raw) // raw was just decoded, so it is valid JSON
	var kind string
	var body json.RawMessage
	for kind, body = range members { // the only member
	}
	if !slices.Contains(actionTypes, kind) {
		return nil, nil, validationError("Value at '%s' failed to satisfy constraint: unknown action type %q", at, kind)
	}
	switch {
	case kind == "republish":
		a, err := parseRepublish(body, at+".republish")
		return a, compact.Bytes(), err
	case actions.Supports(kind):
		a, err := env.Parse(kind, body, at+"."+kind)
		var ve *actions.ValidationError
		if errors.As(err, &ve) {
			return nil, nil, validationError("%s", ve.Message)
		}
		return a, compact.Bytes(), err
	}
	// Every type of AWS's model runs (rules/actions); a type added to the
	// model later is refused loudly rather than stored and never run.
	return nil, nil, awsrest.Errorf(http.StatusNotImplemented, "NotImplementedException", "iotemu does not run %s actions", kind)
}

// republishAction is AWS's RepublishAction.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_RepublishAction.html#API_RepublishAction_Contents
// (roleArn and topic required, qos 0–1) and API_MqttHeaders.html.
type republishAction struct {
	RoleArn *string `json:"roleArn"`
	Topic   *string `json:"topic"`
	QoS     *int    `json:"qos"`
	Headers *struct {
		PayloadFormatIndicator string `json:"payloadFormatIndicator"`
		ContentType            string `json:"contentType"`
		ResponseTopic          string `json:"responseTopic"`
		CorrelationData        string `json:"correlationData"`
		MessageExpiry          string `json:"messageExpiry"`
		UserProperties         []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"userProperties"`
	} `json:"headers"`
}

func parseRepublish(body json.RawMessage, at string) (rules.Action, error) {
	var a republishAction
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, validationError("Value at '%s' failed to satisfy constraint: %v", at, err)
	}
	// roleArn is required by AWS's model, and the SDKs and the CLI refuse
	// to send a republish action without it; iotemu has no IAM and does not
	// check it, so that fixtures may omit it (docs/compatibility.md).
	switch {
	case a.Topic == nil:
		return nil, validationError("Value null at '%s.topic' failed to satisfy constraint: Member must not be null", at)
	case a.QoS != nil && (*a.QoS < 0 || *a.QoS > 1):
		return nil, validationError("Value '%d' at '%s.qos' failed to satisfy constraint: Member must have value less than or equal to 1", *a.QoS, at)
	}
	r := rules.Republish{Topic: *a.Topic}
	if a.QoS != nil {
		r.QoS = *a.QoS
	}
	if h := a.Headers; h != nil {
		r.Headers = &rules.RepublishHeaders{
			PayloadFormatIndicator: h.PayloadFormatIndicator, ContentType: h.ContentType, ResponseTopic: h.ResponseTopic,
			CorrelationData: h.CorrelationData, MessageExpiry: h.MessageExpiry,
		}
		for _, u := range h.UserProperties {
			r.Headers.UserProperties = append(r.Headers.UserProperties, rules.UserProperty{Key: u.Key, Value: u.Value})
		}
	}
	return r, nil
}

// topicRuleJSON is AWS's TopicRule, the "rule" of GetTopicRule.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_TopicRule.html#API_TopicRule_Contents
// (createdAt in epoch seconds).
type topicRuleJSON struct {
	RuleName         string            `json:"ruleName"`
	SQL              string            `json:"sql"`
	Description      string            `json:"description,omitempty"`
	CreatedAt        float64           `json:"createdAt"`
	Actions          []json.RawMessage `json:"actions"`
	RuleDisabled     bool              `json:"ruleDisabled"`
	AwsIotSqlVersion string            `json:"awsIotSqlVersion"`
	ErrorAction      json.RawMessage   `json:"errorAction,omitempty"`
}

// topicRuleOf renders a stored rule; rules added from Go with other
// action types have no JSON form, and show no actions.
func topicRuleOf(info rules.RuleInfo) topicRuleJSON {
	t := topicRuleJSON{
		RuleName: info.Name, SQL: info.SQL, Description: info.Description, CreatedAt: epochSeconds(info.CreatedAt),
		Actions: []json.RawMessage{}, RuleDisabled: info.Disabled, AwsIotSqlVersion: info.SQLVersion,
	}
	if def, ok := info.Definition.(*ruleDefinition); ok {
		t.Actions = append(t.Actions, def.Actions...)
		t.ErrorAction = def.ErrorAction
	}
	return t
}
