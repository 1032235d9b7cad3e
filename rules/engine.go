package rules

import (
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"github.com/iotemu/iotemu/rules/internal/eval"
)

// Engine holds topic rules and evaluates them for published messages. It is
// safe for concurrent use.
type Engine struct {
	cfg Config
	log *slog.Logger
	ev  *eval.Evaluator
	// external is Env.External of every evaluation.
	external eval.ExternalFunc

	mu    sync.RWMutex
	rules map[string]*rule
	index *topicIndex
}

// NewEngine returns an engine with no rules.
func NewEngine(cfg Config) (*Engine, error) {
	cfg = cfg.withDefaults()
	ev, err := eval.NewEvaluator(cfg.EvalTimeout)
	if err != nil {
		return nil, fmt.Errorf("new engine: %w", err)
	}
	e := &Engine{
		cfg:   cfg,
		log:   cfg.Logger.With("component", "rules"),
		ev:    ev,
		rules: map[string]*rule{},
		index: newTopicIndex(cfg.Compat.HashMatchesParent),
	}
	e.external = e.externalFunc()
	return e, nil
}

// Add validates and installs a rule (CreateTopicRule). Invalid SQL is a
// *SQLParseError; a bad name or field matches ErrInvalidRule; an existing
// name is ErrRuleExists.
func (e *Engine) Add(r Rule) error {
	cr, err := compileRule(r, e.cfg.Compat, e.cfg.Now())
	if err != nil {
		return fmt.Errorf("add rule: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.rules[r.Name]; ok {
		return fmt.Errorf("add rule %s: %w", r.Name, ErrRuleExists)
	}
	e.install(cr)
	return nil
}

// Replace swaps the definition of an existing rule (ReplaceTopicRule); the
// creation time is kept.
func (e *Engine) Replace(r Rule) error {
	cr, err := compileRule(r, e.cfg.Compat, e.cfg.Now())
	if err != nil {
		return fmt.Errorf("replace rule: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	old, ok := e.rules[r.Name]
	if !ok {
		return fmt.Errorf("replace rule %s: %w", r.Name, ErrRuleNotFound)
	}
	cr.createdAt = old.createdAt
	e.uninstall(old)
	e.install(cr)
	return nil
}

// Remove deletes a rule (DeleteTopicRule).
func (e *Engine) Remove(name string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.rules[name]
	if !ok {
		return fmt.Errorf("remove rule %s: %w", name, ErrRuleNotFound)
	}
	e.uninstall(r)
	return nil
}

// Enable enables a rule (EnableTopicRule).
func (e *Engine) Enable(name string) error { return e.setDisabled(name, false) }

// Disable disables a rule (DisableTopicRule); it keeps its definition.
func (e *Engine) Disable(name string) error { return e.setDisabled(name, true) }

func (e *Engine) setDisabled(name string, disabled bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.rules[name]
	if !ok {
		return fmt.Errorf("set rule %s state: %w", name, ErrRuleNotFound)
	}
	next := *r
	next.spec.Disabled = disabled
	e.uninstall(r)
	e.install(&next)
	return nil
}

// Get returns a rule (GetTopicRule).
func (e *Engine) Get(name string) (RuleInfo, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	r, ok := e.rules[name]
	if !ok {
		return RuleInfo{}, fmt.Errorf("get rule %s: %w", name, ErrRuleNotFound)
	}
	return r.info(e.ARN(name)), nil
}

// List returns every rule sorted by name (ListTopicRules).
func (e *Engine) List() []RuleInfo {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]RuleInfo, 0, len(e.rules))
	for name, r := range e.rules {
		out = append(out, r.info(e.ARN(name)))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Matches reports whether a message on topic reaches a rule: a Basic
// Ingest topic always does (Handle reports a missing rule), any other topic
// when the FROM filter of an enabled rule matches it. It costs one index
// walk, so that a broker can skip the messages no rule wants.
func (e *Engine) Matches(topic string) bool {
	if _, _, ok := ParseIngestTopic(topic); ok {
		return true
	}
	found := false
	e.mu.RLock()
	e.index.match(topic, func(*rule) { found = true })
	e.mu.RUnlock()
	return found
}

// ARN returns a rule's ARN: arn:aws:iot:<region>:<account>:rule/<name>.
func (e *Engine) ARN(name string) string {
	return fmt.Sprintf("arn:aws:iot:%s:%s:rule/%s", e.cfg.Region, e.cfg.AccountID, name)
}

// install and uninstall require e.mu held for writing. Disabled rules and
// rules without FROM are not indexed.
func (e *Engine) install(r *rule) {
	e.rules[r.name] = r
	if !r.spec.Disabled && r.stmt.FromPresent {
		e.index.add(r.stmt.From, r)
	}
}

func (e *Engine) uninstall(r *rule) {
	delete(e.rules, r.name)
	if r.stmt.FromPresent {
		e.index.remove(r.stmt.From, r.name)
	}
}
