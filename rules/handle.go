package rules

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/iotemu/iotemu/rules/internal/eval"
)

// Result reports one rule evaluated for a message.
type Result struct {
	// Rule is the rule name.
	Rule string
	// Fired is true when WHERE was true and the actions ran.
	Fired bool
	// Payload is the output handed to the actions.
	Payload []byte
	// Err is an evaluation failure (time limit, failed external function);
	// no action ran.
	Err error
	// ActionErrors lists the actions that failed, for the error action.
	ActionErrors []ActionError
}

// ActionError is the failure of one action of a rule.
type ActionError struct {
	Index  int
	Action Action
	// Type and Resource are the failed action's Report fields (the error
	// action's failedAction and failedResource).
	Type, Resource string
	Err            error
}

// Error describes the failed action.
func (a ActionError) Error() string { return fmt.Sprintf("action %d: %v", a.Index, a.Err) }

// Unwrap returns the action's error.
func (a ActionError) Unwrap() error { return a.Err }

// ingestPrefix starts Basic Ingest topics. AWS: iot-basic-ingest.html.
const ingestPrefix = "$aws/rules/"

// ParseIngestTopic splits a Basic Ingest topic `$aws/rules/<rule>[/rest]`
// into the rule name and the rest (the topic that topic() sees).
// AWS: iot-basic-ingest.html; iot-sql-functions.html#iot-function-topic.
func ParseIngestTopic(topic string) (ruleName, rest string, ok bool) {
	if !strings.HasPrefix(topic, ingestPrefix) {
		return "", "", false
	}
	name, rest, _ := strings.Cut(topic[len(ingestPrefix):], "/")
	if name == "" {
		return "", "", false
	}
	return name, rest, true
}

// Handle evaluates every enabled rule whose FROM filter matches m.Topic,
// synchronously, running the actions of those whose WHERE is true. A Basic
// Ingest topic reaches only the named rule (its FROM is not checked), and
// ErrRuleNotFound is returned when that rule is missing or disabled.
func (e *Engine) Handle(ctx context.Context, m Message) ([]Result, error) {
	if name, rest, ok := ParseIngestTopic(m.Topic); ok {
		return e.handleIngest(ctx, m, name, rest)
	}
	var matched []*rule
	e.mu.RLock()
	e.index.match(m.Topic, func(r *rule) { matched = append(matched, r) })
	e.mu.RUnlock()
	if len(matched) == 0 {
		return nil, nil
	}
	sort.Slice(matched, func(i, j int) bool { return matched[i].name < matched[j].name })
	results := make([]Result, 0, len(matched))
	for _, r := range matched {
		results = append(results, e.run(ctx, r, m, m.Topic))
	}
	return results, nil
}

func (e *Engine) handleIngest(ctx context.Context, m Message, name, rest string) ([]Result, error) {
	e.mu.RLock()
	r, ok := e.rules[name]
	e.mu.RUnlock()
	if !ok || r.spec.Disabled {
		e.log.Warn("basic ingest for missing or disabled rule", "rule", name, "topic", m.Topic)
		return nil, fmt.Errorf("handle basic ingest %s: %w", m.Topic, ErrRuleNotFound)
	}
	return []Result{e.run(ctx, r, m, rest)}, nil
}

// run evaluates one rule and runs its actions in order.
func (e *Engine) run(ctx context.Context, r *rule, m Message, topic string) Result {
	res := Result{Rule: r.name}
	ctx = e.withExternalCall(ctx, r.name, &m) // external calls of the SQL and the action templates are recorded
	env := e.env(ctx, m, topic)
	o, err := e.ev.Run(ctx, r.prog, env)
	if err != nil {
		res.Err = fmt.Errorf("evaluate rule %s: %w", r.name, err)
		e.log.Warn("rule evaluation failed", "rule", r.name, "topic", m.Topic, "error", err)
		if limitFailure(err) {
			out := Output{RuleName: r.name, SQLVersion: string(r.stmt.Version), Message: m,
				run: &evalRun{ev: e.ev, env: env, version: r.stmt.Version, compat: e.cfg.Compat, publisher: e.cfg.Publisher}}
			res.ActionErrors = e.failAll(ctx, r, out, res.Err)
		}
		return res
	}
	if !o.Matched {
		return res
	}
	res.Fired, res.Payload = true, o.Payload
	if len(r.actions) == 0 && r.errAction == nil {
		return res
	}
	out := Output{
		RuleName: r.name, SQLVersion: string(r.stmt.Version), Payload: o.Payload, Message: m,
		run: &evalRun{ev: e.ev, env: env, vars: o.Vars, version: r.stmt.Version, compat: e.cfg.Compat, publisher: e.cfg.Publisher},
	}
	tooLarge := oversize(o.Payload)
	for i, a := range r.actions {
		rep, err := Report{Type: actionType(a)}, tooLarge
		if err == nil && e.cfg.InjectFailure != nil {
			err = e.cfg.InjectFailure(r.name, rep.Type)
		}
		if err == nil {
			rep, err = execute(ctx, a, out)
		}
		e.record(out, rep, err, false)
		if err != nil {
			res.ActionErrors = append(res.ActionErrors, ActionError{Index: i, Action: r.spec.Actions[i], Type: rep.Type, Resource: rep.Resource, Err: err})
			e.log.Warn("rule action failed", "rule", r.name, "action", i, "type", rep.Type, "error", err)
		}
	}
	if len(res.ActionErrors) > 0 {
		e.runErrorAction(ctx, r, out, res.ActionErrors)
	}
	return res
}

func (e *Engine) env(ctx context.Context, m Message, topic string) *eval.Env {
	ts := m.Timestamp
	if ts.IsZero() {
		ts = e.cfg.Now()
	}
	return &eval.Env{
		Topic: topic, Payload: m.Payload, ClientID: m.ClientID, Principal: m.Principal,
		AccountID: e.cfg.AccountID, SourceIP: m.SourceIP, TraceID: m.TraceID, Timestamp: ts.UnixMilli(),
		UserProperties: m.UserProperties, ContentType: m.ContentType, ResponseTopic: m.ResponseTopic,
		CorrelationData: m.CorrelationData, PayloadFormat: m.PayloadFormat.awsName(),
		NewUUID: e.cfg.NewUUID, Rand: e.cfg.Rand, External: e.external,
	}
}

// externalFunc returns the backend of external functions, made once per
// engine (a closure per message would cost an allocation).
func (e *Engine) externalFunc() eval.ExternalFunc {
	return func(ctx context.Context, name string, args []eval.ExtArg) ([]byte, error) {
		b, err := e.cfg.Externals.call(ctx, name, args)
		e.recordExternal(ctx, name, args, b, err)
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrNotConfigured) {
			return nil, eval.ErrUndefined
		}
		return b, err
	}
}
