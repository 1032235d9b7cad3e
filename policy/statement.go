package policy

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
)

// statement is one compiled Statement.
type statement struct {
	sid         string
	deny        bool
	notAction   bool
	actions     []pattern
	notResource bool
	resources   []pattern
	conds       []condition
}

// compileStatement validates and compiles one statement.
// AWS: iot-policies.html; IAM reference_policies_grammar.html.
func compileStatement(rs map[string]json.RawMessage, vars bool, compat Compat) (statement, error) {
	var st statement
	if raw, ok := rs["Sid"]; ok {
		if err := json.Unmarshal(raw, &st.sid); err != nil {
			return st, malformed(reasonSyntax)
		}
	}
	var effect string
	if err := json.Unmarshal(rs["Effect"], &effect); err != nil || (effect != "Allow" && effect != "Deny") {
		return st, malformed(reasonSyntax)
	}
	st.deny = effect == "Deny"
	actions, notAction, err := pickElement(rs, "Action", "NotAction", compat)
	if err != nil {
		return st, err
	}
	resources, notResource, err := pickElement(rs, "Resource", "NotResource", compat)
	if err != nil {
		return st, err
	}
	st.notAction, st.notResource = notAction, notResource
	for _, a := range actions {
		if !validAction(a) {
			return st, malformed(reasonSyntax)
		}
		st.actions = append(st.actions, compilePattern(a, false))
	}
	for _, r := range resources {
		if !validResource(r) {
			return st, malformed("The following resources are invalid : " + r)
		}
		st.resources = append(st.resources, compilePattern(r, vars))
	}
	if raw, ok := rs["Condition"]; ok {
		if st.conds, err = compileConditions(raw, vars); err != nil {
			return st, err
		}
	}
	return st, nil
}

// pickElement returns the values of exactly one of name and notName.
func pickElement(rs map[string]json.RawMessage, name, notName string, compat Compat) ([]string, bool, error) {
	raw, has := rs[name]
	notRaw, hasNot := rs[notName]
	if has == hasNot || (hasNot && compat.RejectNotElements) {
		return nil, false, malformed(reasonSyntax)
	}
	if hasNot {
		raw = notRaw
	}
	vals, err := stringOrArray(raw, false)
	if err != nil || len(vals) == 0 {
		return nil, false, malformed(reasonSyntax)
	}
	return vals, hasNot, nil
}

// stringOrArray decodes a string or an array of strings; scalars (numbers,
// booleans) are accepted as strings when scalars is true (condition
// values, as IAM does).
func stringOrArray(raw json.RawMessage, scalars bool) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, err := scalar(it, scalars)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(raw, scalars)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func scalar(raw json.RawMessage, scalars bool) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	raw = bytes.TrimSpace(raw)
	if !scalars || len(raw) == 0 || raw[0] == '{' || raw[0] == '[' || raw[0] == 'n' {
		return "", malformed(reasonSyntax)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", malformed(reasonSyntax)
	}
	return string(raw), nil
}

// validAction: `*` or "service:name" with one colon (IAM: "Actions/Condition
// can contain only one colon."). Unknown IoT action names are accepted,
// as IAM does.
func validAction(a string) bool {
	if a == "*" {
		return true
	}
	i := strings.IndexByte(a, ':')
	return i > 0 && i < len(a)-1 && strings.Count(a, ":") == 1
}

// validResource: `*` or an ARN with its six parts.
// AWS: OBSERVED "The following resources are invalid : …" for a non-ARN.
func validResource(r string) bool {
	return r == "*" || (strings.HasPrefix(r, "arn:") && strings.Count(r, ":") >= 5)
}

// compileConditions compiles a Condition block, in a stable order.
func compileConditions(raw json.RawMessage, vars bool) ([]condition, error) {
	var block map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &block); err != nil {
		return nil, malformed(reasonSyntax)
	}
	var out []condition
	for op, keys := range block {
		spec, qual, ifExists, known := parseOperator(op)
		if !known {
			spec = opSpec{}
		}
		for key, rv := range keys {
			vals, err := stringOrArray(rv, true)
			if err != nil || (spec.kind == opNull && len(vals) != 1) {
				return nil, malformed(reasonSyntax)
			}
			c := condition{op: op, spec: spec, qual: qual, ifExists: ifExists, key: parseVariable(key)}
			for _, v := range vals {
				c.values = append(c.values, compilePattern(v, vars && spec.kind != opNull))
			}
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].op != out[j].op {
			return out[i].op < out[j].op
		}
		return out[i].key.key < out[j].key.key
	})
	return out, nil
}

// matches reports whether the statement applies to the request.
func (st *statement) matches(action, resource string, e *env) bool {
	if anyMatch(st.actions, action, e, true) == st.notAction {
		return false
	}
	m, ok := anyMatchOK(st.resources, resource, e)
	if !ok || m == st.notResource {
		return false
	}
	for i := range st.conds {
		c := &st.conds[i]
		if c.spec.kind == opUnknown {
			return false
		}
		holds, ok := c.eval(e)
		if !ok || !holds {
			return false
		}
	}
	return true
}

func anyMatch(ps []pattern, s string, e *env, fold bool) bool {
	for i := range ps {
		if m, _ := ps[i].match(s, e, fold); m {
			return true
		}
	}
	return false
}

// anyMatchOK is anyMatch for resources: an unresolvable pattern does not
// match, and makes a NotResource statement not apply (ok false).
func anyMatchOK(ps []pattern, s string, e *env) (matched, ok bool) {
	ok = true
	for i := range ps {
		m, resolved := ps[i].match(s, e, false)
		if m {
			return true, true
		}
		ok = ok && resolved
	}
	return false, ok
}
