package emulator

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/iotemu/iotemu/internal/broker"
	"github.com/iotemu/iotemu/rules"
)

// RuleMatch is one evaluation of a rule for a message whose topic matched
// its FROM filter: whether WHERE held (the actions ran) or the evaluation
// failed. The state API shows the latest ones per rule.
type RuleMatch struct {
	Rule     string    `json:"rule"`
	Topic    string    `json:"topic"`
	ClientID string    `json:"clientId,omitempty"`
	TraceID  string    `json:"traceId,omitempty"`
	Time     time.Time `json:"time"`
	// Fired is true when WHERE was true and the actions ran.
	Fired bool `json:"fired"`
	// Error is the evaluation's failure; "" when it ran.
	Error string `json:"error,omitempty"`
	// FailedActions is how many of the actions failed.
	FailedActions int `json:"failedActions,omitempty"`
}

// ruleMatchesKept is how many matches the state API keeps per rule.
const ruleMatchesKept = 20

// ruleMatches keeps the latest matches of each rule.
type ruleMatches struct {
	mu     sync.Mutex
	byRule map[string][]RuleMatch // oldest first, at most ruleMatchesKept
}

func newRuleMatches() *ruleMatches { return &ruleMatches{byRule: map[string][]RuleMatch{}} }

func (r *ruleMatches) add(m RuleMatch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := append(r.byRule[m.Rule], m)
	if len(l) > ruleMatchesKept {
		l = l[len(l)-ruleMatchesKept:]
	}
	r.byRule[m.Rule] = l
}

func (r *ruleMatches) of(rule string) []RuleMatch {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]RuleMatch{}, r.byRule[rule]...)
}

func (r *ruleMatches) reset() {
	r.mu.Lock()
	r.byRule = map[string][]RuleMatch{}
	r.mu.Unlock()
}

// matchingRules is the rules engine as the broker sees it: every result
// is kept for the state API and logged (the request log).
type matchingRules struct {
	engine  *rules.Engine
	matches *ruleMatches
	log     *slog.Logger
	now     func() time.Time
}

var _ broker.RulesEngine = matchingRules{}

func (m matchingRules) Matches(topic string) bool { return m.engine.Matches(topic) }

func (m matchingRules) Handle(ctx context.Context, msg rules.Message) ([]rules.Result, error) {
	results, err := m.engine.Handle(ctx, msg)
	at := m.now()
	for _, r := range results {
		rm := RuleMatch{Rule: r.Rule, Topic: msg.Topic, ClientID: msg.ClientID, TraceID: msg.TraceID, Time: at,
			Fired: r.Fired, FailedActions: len(r.ActionErrors)}
		if r.Err != nil {
			rm.Error = r.Err.Error()
		}
		m.matches.add(rm)
		m.logMatch(ctx, rm)
	}
	return results, err
}

// logMatch is the request log's line of a rule match: "rule R matched
// topic T" and whether its actions ran.
func (m matchingRules) logMatch(ctx context.Context, rm RuleMatch) {
	attrs := []slog.Attr{slog.String("rule", rm.Rule), slog.String("topic", rm.Topic), slog.Bool("fired", rm.Fired)}
	if rm.ClientID != "" {
		attrs = append(attrs, slog.String("client", rm.ClientID))
	}
	if rm.TraceID != "" {
		attrs = append(attrs, slog.String("traceId", rm.TraceID))
	}
	if rm.Error != "" {
		attrs = append(attrs, slog.String("error", rm.Error))
		m.log.LogAttrs(ctx, slog.LevelWarn, "rule "+rm.Rule+" failed on "+rm.Topic, attrs...)
		return
	}
	msg := "rule " + rm.Rule + " matched " + rm.Topic
	if !rm.Fired {
		msg += " (WHERE false)"
	}
	m.log.LogAttrs(ctx, slog.LevelInfo, msg, attrs...)
}
