package rules

import (
	"fmt"
	"regexp"
	"time"

	"github.com/iotemu/iotemu/rules/internal/eval"
	"github.com/iotemu/iotemu/rules/internal/sql"
)

// Rule is a topic rule: its SQL statement and actions.
type Rule struct {
	// Name matches ^[a-zA-Z0-9_]+$, 1–128 characters.
	Name string
	// SQL is the IoT SQL statement.
	SQL string
	// SQLVersion is "2015-10-08", "2016-03-23" or "beta"; "" means
	// Compat.DefaultSQLVersion or 2015-10-08.
	SQLVersion  string
	Description string
	Actions     []Action
	// ErrorAction runs once per message when any action failed, with AWS's
	// error payload (ErrorPayload) as its output. AWS: rule-error-handling.html.
	ErrorAction Action
	Disabled    bool
	// Definition is opaque data kept with the rule and returned by Get and
	// List unchanged (Enable and Disable keep it, Replace replaces it): the
	// emulator keeps the TopicRulePayload's action JSON there so that
	// GetTopicRule returns action types this package does not run.
	Definition any
}

// RuleInfo is a stored rule with the fields ListTopicRules/GetTopicRule
// report. AWS: iot/2015-05-28/service-2.json (TopicRule, TopicRuleListItem).
type RuleInfo struct {
	Rule
	ARN          string
	TopicPattern string
	CreatedAt    time.Time
}

// maxActions is the TopicRulePayload actions limit. AWS: service-2.json.
const maxActions = 10

// ruleNamePattern is the RuleName constraint. AWS: service-2.json RuleName.
var ruleNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)

// ValidateRuleName checks the AWS rule name constraints; the error matches
// ErrInvalidRule and reads like AWS's validation message.
func ValidateRuleName(name string) error {
	if len(name) < 1 || len(name) > 128 {
		return fmt.Errorf("%w: 1 validation error detected: Value '%s' at 'ruleName' failed to satisfy constraint: Member must have length between 1 and 128", ErrInvalidRule, name)
	}
	if !ruleNamePattern.MatchString(name) {
		return fmt.Errorf("%w: 1 validation error detected: Value '%s' at 'ruleName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_]+$", ErrInvalidRule, name)
	}
	return nil
}

// Statement is a parsed rule statement.
type Statement struct {
	// Version is the SQL version the statement was parsed for.
	Version string
	// From is the FROM topic filter; HasFrom is false when the statement has
	// none (Basic Ingest only).
	From    string
	HasFrom bool
}

// ParseSQL parses and validates a statement ("" version is 2015-10-08).
// Errors are *SQLParseError (SqlParseException) or match ErrInvalidRule.
func ParseSQL(sqlText, version string) (*Statement, error) {
	st, err := parse(sqlText, version, Compat{})
	if err != nil {
		return nil, err
	}
	return &Statement{Version: string(st.Version), From: st.From, HasFrom: st.FromPresent}, nil
}

func parse(sqlText, version string, c Compat) (*sql.Statement, error) {
	if version == "" {
		version = c.DefaultSQLVersion
	}
	v, ok := sql.ParseVersion(version)
	if !ok {
		return nil, fmt.Errorf("parse sql: %w: unknown awsIotSqlVersion %q", ErrInvalidRule, version)
	}
	st, err := sql.Parse(sqlText, sql.Options{Version: v, AllowUnquotedFrom: c.AllowUnquotedFrom})
	if err != nil {
		return nil, wrapParseError(err)
	}
	return st, nil
}

// rule is a compiled rule held by the Engine.
type rule struct {
	name      string
	spec      Rule
	stmt      *sql.Statement
	prog      *eval.Program
	actions   []Action
	errAction Action
	createdAt time.Time
}

func compileRule(r Rule, c Compat, now time.Time) (*rule, error) {
	if err := ValidateRuleName(r.Name); err != nil {
		return nil, err
	}
	if len(r.Actions) > maxActions {
		return nil, fmt.Errorf("%w: a rule has at most %d actions", ErrInvalidRule, maxActions)
	}
	st, err := parse(r.SQL, r.SQLVersion, c)
	if err != nil {
		return nil, err
	}
	prog, err := eval.Compile(st, eval.Compat{ShortCircuitLogic: c.ShortCircuitLogic})
	if err != nil {
		return nil, fmt.Errorf("compile rule %s: %w", r.Name, err)
	}
	cr := &rule{name: r.Name, spec: r, stmt: st, prog: prog, createdAt: now}
	for i, a := range r.Actions {
		ca, err := compileAction(a, st.Version, c)
		if err != nil {
			return nil, fmt.Errorf("compile rule %s action %d: %w: %w", r.Name, i, ErrInvalidRule, err)
		}
		cr.actions = append(cr.actions, ca)
	}
	if r.ErrorAction != nil {
		if cr.errAction, err = compileAction(r.ErrorAction, st.Version, c); err != nil {
			return nil, fmt.Errorf("compile rule %s error action: %w: %w", r.Name, ErrInvalidRule, err)
		}
	}
	return cr, nil
}

// compileAction compiles the templates of built-in actions once.
func compileAction(a Action, v sql.Version, c Compat) (Action, error) {
	switch a := a.(type) {
	case nil:
		return nil, fmt.Errorf("nil action")
	case Republish:
		return a.compile(v, c)
	case *Republish:
		return a.compile(v, c)
	case CompilingAction:
		return a.CompileAction(ActionCompiler{version: v, compat: c})
	}
	return a, nil
}

func (r *rule) info(arn string) RuleInfo {
	spec := r.spec
	spec.SQLVersion = string(r.stmt.Version)
	return RuleInfo{Rule: spec, ARN: arn, TopicPattern: r.stmt.From, CreatedAt: r.createdAt}
}
