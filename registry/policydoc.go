package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// MaxPolicyChars is the policy document size limit, whitespace excluded.
// AWS: iot-core.html#policy-limits ("Maximum size of a policy document:
// 2048 characters (excluding white space)").
const MaxPolicyChars = 2048

// ValidatePolicyShape is the default Config.ValidatePolicy until the
// policy package's parser is injected: the document is a JSON object of at
// most MaxPolicyChars non-space characters whose Statement is a statement
// or a non-empty list of them, each with Effect Allow or Deny, an Action
// and a Resource. Messages UNCONFIRMED.
func ValidatePolicyShape(document string) error {
	n := 0
	for _, c := range document {
		if !unicode.IsSpace(c) {
			n++
		}
	}
	if n > MaxPolicyChars {
		return fmt.Errorf("Policy document length breaches the limit of %d characters", MaxPolicyChars)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(document), &doc); err != nil {
		return fmt.Errorf("Policy document is not valid JSON: %w", err)
	}
	raw, ok := doc["Statement"]
	if !ok {
		return errors.New("Policy document must contain a Statement")
	}
	var stmts []map[string]json.RawMessage
	if strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(raw, &one); err != nil {
			return fmt.Errorf("Statement is not valid: %w", err)
		}
		stmts = append(stmts, one)
	} else if err := json.Unmarshal(raw, &stmts); err != nil || len(stmts) == 0 {
		return errors.New("Statement must be a statement or a non-empty list of statements")
	}
	for i, s := range stmts {
		if err := validStatement(s); err != nil {
			return fmt.Errorf("Statement %d: %w", i, err)
		}
	}
	return nil
}

func validStatement(s map[string]json.RawMessage) error {
	var effect string
	if err := json.Unmarshal(s["Effect"], &effect); err != nil || (effect != "Allow" && effect != "Deny") {
		return errors.New("Effect must be Allow or Deny")
	}
	if s["Action"] == nil && s["NotAction"] == nil {
		return errors.New("Action is required")
	}
	if s["Resource"] == nil && s["NotResource"] == nil {
		return errors.New("Resource is required")
	}
	return nil
}
