package controlplane

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/iotemu/iotemu/internal/statedoc"
	"github.com/iotemu/iotemu/rules"
)

// rulesSnapshotVersion is the layout of SnapshotRules' document;
// RestoreRules refuses another one.
const rulesSnapshotVersion = 1

// rulesState is the topic rules as the data directory keeps them: each as
// it was given (its TopicRulePayload's actions JSON), parsed again on
// restore. Rules added from Go (Config.Rules, Server.Rules().Add) have no
// JSON form; the configuration adds them again at every start.
type rulesState struct {
	Version int         `json:"version"`
	Rules   []savedRule `json:"rules,omitempty"`
}

type savedRule struct {
	Name        string            `json:"name"`
	SQL         string            `json:"sql"`
	SQLVersion  string            `json:"sqlVersion,omitempty"`
	Description string            `json:"description,omitempty"`
	Disabled    bool              `json:"disabled,omitempty"`
	CreatedAt   time.Time         `json:"createdAt"`
	Actions     []json.RawMessage `json:"actions"`
	ErrorAction json.RawMessage   `json:"errorAction,omitempty"`
}

// SnapshotRules encodes the topic rules created through the control plane
// or the fixtures (those with a TopicRulePayload), in name order.
func (c *ControlPlane) SnapshotRules() ([]byte, error) {
	doc := rulesState{Version: rulesSnapshotVersion}
	for _, info := range c.cfg.Rules.List() {
		def, ok := info.Definition.(*ruleDefinition)
		if !ok {
			continue
		}
		doc.Rules = append(doc.Rules, savedRule{
			Name: info.Name, SQL: info.SQL, SQLVersion: info.SQLVersion, Description: info.Description,
			Disabled: info.Disabled, CreatedAt: info.CreatedAt, Actions: def.Actions, ErrorAction: def.ErrorAction,
		})
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("topic rules snapshot: %w", err)
	}
	return raw, nil
}

// RestoreRules installs the rules of a SnapshotRules document, replacing
// any of the same name. A document it cannot read whole (bad JSON,
// another version, a rule that no longer parses or compiles) is refused
// and no rule changes.
func (c *ControlPlane) RestoreRules(raw []byte) error {
	var doc rulesState
	if err := statedoc.Decode("topic rules", raw, rulesSnapshotVersion, &doc); err != nil {
		return err
	}
	loaded := make([]rules.Loaded, 0, len(doc.Rules))
	seen := map[string]bool{}
	for _, s := range doc.Rules {
		if seen[s.Name] {
			return fmt.Errorf("topic rules restore: rule %s twice", s.Name)
		}
		seen[s.Name] = true
		r, err := c.savedRule(s)
		if err != nil {
			return fmt.Errorf("topic rules restore: rule %s: %w", s.Name, err)
		}
		loaded = append(loaded, rules.Loaded{Rule: r, CreatedAt: s.CreatedAt})
	}
	if err := c.cfg.Rules.Load(loaded); err != nil {
		return fmt.Errorf("topic rules restore: %w", err)
	}
	return nil
}

// savedRule builds the rule a savedRule describes, its actions parsed as
// CreateTopicRule parses them.
func (c *ControlPlane) savedRule(s savedRule) (rules.Rule, error) {
	if err := rules.ValidateRuleName(s.Name); err != nil {
		return rules.Rule{}, err
	}
	r := rules.Rule{Name: s.Name, SQL: s.SQL, SQLVersion: s.SQLVersion, Description: s.Description, Disabled: s.Disabled}
	def := &ruleDefinition{}
	for i, raw := range s.Actions {
		a, compact, err := parseAction(c.cfg.Actions, raw, fmt.Sprintf("actions.%d", i+1))
		if err != nil {
			return rules.Rule{}, err
		}
		r.Actions = append(r.Actions, a)
		def.Actions = append(def.Actions, compact)
	}
	if len(s.ErrorAction) > 0 && string(s.ErrorAction) != "null" {
		a, compact, err := parseAction(c.cfg.Actions, s.ErrorAction, "errorAction")
		if err != nil {
			return rules.Rule{}, err
		}
		r.ErrorAction, def.ErrorAction = a, compact
	}
	r.Definition = def
	return r, nil
}
