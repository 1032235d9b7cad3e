package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/iotemu/iotemu/rules"
)

// Env holds what the actions share: the AWS services with an endpoint,
// the HTTP client, the in-process functions and the state of HTTP
// destinations. It is safe for concurrent use.
type Env struct {
	cfg      Config
	services services

	mu           sync.Mutex
	destinations map[string]*destination // HTTP actions' implicit destinations by confirmation URL
	dests        *Destinations           // the control plane's topic rule destinations
}

// New returns an Env for cfg.
func New(cfg Config) (*Env, error) {
	cfg = cfg.withDefaults()
	e := &Env{cfg: cfg, destinations: map[string]*destination{}}
	e.dests = &Destinations{env: e, m: map[string]*Destination{}}
	e.services = newServices(cfg)
	return e, nil
}

// Spec is an action type's parameters (SQS, Lambda, HTTP...): AWS's
// Action member with its JSON names.
type Spec interface {
	// Type returns the Action member name ("sqs", "lambda"...).
	Type() string
	check(at string) error
	build(e *Env, c rules.ActionCompiler) (executor, error)
}

// specs are the action types this package runs, by Action member name.
var specs = map[string]func() Spec{
	"lambda": func() Spec { return &Lambda{} }, "http": func() Spec { return &HTTP{} },
	"sqs": func() Spec { return &SQS{} }, "sns": func() Spec { return &SNS{} },
	"dynamoDB": func() Spec { return &DynamoDB{} }, "dynamoDBv2": func() Spec { return &DynamoDBv2{} },
	"kinesis": func() Spec { return &Kinesis{} }, "firehose": func() Spec { return &Firehose{} },
	"s3": func() Spec { return &S3{} }, "cloudwatchMetric": func() Spec { return &CloudwatchMetric{} },
	"cloudwatchLogs": func() Spec { return &CloudwatchLogs{} }, "timestream": func() Spec { return &Timestream{} },
	"stepFunctions":   func() Spec { return &StepFunctions{} },
	"cloudwatchAlarm": func() Spec { return &CloudwatchAlarm{} }, "openSearch": func() Spec { return &OpenSearch{} },
	"elasticsearch": func() Spec { return &OpenSearch{kind: "elasticsearch"} }, "iotAnalytics": func() Spec { return &IotAnalytics{} },
	"iotEvents": func() Spec { return &IotEvents{} }, "iotSiteWise": func() Spec { return &IotSiteWise{} },
	"kafka": func() Spec { return &Kafka{} }, "location": func() Spec { return &Location{} },
	"salesforce": func() Spec { return &Salesforce{} },
}

// Supports reports whether Parse knows an Action member name.
func Supports(actionType string) bool { _, ok := specs[actionType]; return ok }

// Parse builds the action of one Action member from its JSON body,
// checking the members AWS requires; at is the member's path for error
// messages ("topicRulePayload.actions.1.sqs"). Errors are *ValidationError.
func (e *Env) Parse(actionType string, body []byte, at string) (rules.Action, error) {
	mk, ok := specs[actionType]
	if !ok {
		return nil, &ValidationError{Message: fmt.Sprintf("Value at '%s' failed to satisfy constraint: unsupported action type %q", at, actionType)}
	}
	s := mk()
	if err := json.Unmarshal(body, s); err != nil {
		return nil, &ValidationError{Message: fmt.Sprintf("Value at '%s' failed to satisfy constraint: %v", at, err)}
	}
	if err := s.check(at); err != nil {
		return nil, err
	}
	return e.Action(s), nil
}

// Action binds a spec to this Env; the result is a rules.Action for a
// rules.Rule (it runs once the rule is added to an Engine).
func (e *Env) Action(s Spec) rules.Action { return &bound{env: e, spec: s} }

// bound is a Spec bound to an Env, compiled when its rule is added.
type bound struct {
	env  *Env
	spec Spec
}

var _ rules.CompilingAction = (*bound)(nil)

// errNotCompiled reports an action run without a rules.Engine.
var errNotCompiled = errors.New("action not compiled: add its rule to a rules.Engine")

func (b *bound) Do(context.Context, rules.Output) error { return errNotCompiled }

// Spec returns the action's parameters.
func (b *bound) Spec() Spec { return b.spec }

func (b *bound) CompileAction(c rules.ActionCompiler) (rules.Action, error) {
	if err := b.spec.check(b.spec.Type()); err != nil {
		return nil, err
	}
	a, err := b.spec.build(b.env, c)
	if err != nil {
		return nil, fmt.Errorf("compile %s action: %w", b.spec.Type(), err)
	}
	return reporting{a, b.spec.Type()}, nil
}

// executor is a compiled action: it renders, sends and reports.
type executor interface {
	Execute(ctx context.Context, out rules.Output) (rules.Report, error)
}

// reporting makes an executor a rules.ReportingAction.
type reporting struct {
	executor
	kind string
}

// ActionType returns the Action member name (rules.TypedAction).
func (r reporting) ActionType() string { return r.kind }

var _ rules.ReportingAction = reporting{}

func (r reporting) Do(ctx context.Context, out rules.Output) error {
	_, err := r.Execute(ctx, out)
	return err
}

// ValidationError is a TopicRulePayload member that AWS would refuse
// (InvalidRequestException); Message reads like AWS's validation messages.
type ValidationError struct{ Message string }

func (v *ValidationError) Error() string { return "invalid action: " + v.Message }

// required reports the first empty member of name/value pairs as AWS's
// "must not be null" validation message.
func required(at string, pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return &ValidationError{Message: fmt.Sprintf("Value null at '%s.%s' failed to satisfy constraint: Member must not be null", at, pairs[i])}
		}
	}
	return nil
}

// Failure is a failed action: AWS words error action messages as "Failed
// to <verb>. The error received was <cause>" (rule-error-handling.html,
// the S3 example).
type Failure struct {
	Verb string
	Err  error
}

func (f *Failure) Error() string {
	return fmt.Sprintf("Failed to %s. The error received was %v", f.Verb, f.Err)
}

func (f *Failure) Unwrap() error { return f.Err }

func fail(verb string, err error) error { return &Failure{Verb: verb, Err: err} }
