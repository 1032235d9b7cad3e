package policy

import "strings"

// qualifier is the set operator prefixed to a condition operator.
type qualifier uint8

const (
	qualNone qualifier = iota
	qualForAll
	qualForAny
)

// condition is one key of one operator of a Condition block.
type condition struct {
	op       string // as written, for Unsupported
	spec     opSpec
	qual     qualifier
	ifExists bool
	key      *variable
	values   []pattern
}

// parseOperator splits "ForAllValues:StringLikeIfExists" into its parts;
// known is false for an operator this package does not support.
// AWS: IAM reference_policies_multi-value-conditions.html,
// reference_policies_elements_condition_operators.html#Conditions_IfExists.
func parseOperator(op string) (spec opSpec, qual qualifier, ifExists, known bool) {
	name := op
	switch {
	case strings.HasPrefix(name, "ForAllValues:"):
		qual, name = qualForAll, strings.TrimPrefix(name, "ForAllValues:")
	case strings.HasPrefix(name, "ForAnyValue:"):
		qual, name = qualForAny, strings.TrimPrefix(name, "ForAnyValue:")
	}
	if base, ok := strings.CutSuffix(name, "IfExists"); ok && base != "Null" {
		if _, ok := operators[base]; ok {
			name, ifExists = base, true
		}
	}
	spec, known = operators[name]
	if spec.kind == opNull && (qual != qualNone || ifExists) {
		known = false
	}
	return spec, qual, ifExists, known
}

// eval reports whether the condition holds; ok is false when a variable
// in a policy value has no value (the statement then does not match).
//
// A missing key: false, except for negated operators, ForAllValues, Null
// "true" and IfExists. AWS: IAM reference_policies_elements_condition_operators.html
// ("If the key that you specify in a policy condition is not present in the
// request context, the values do not match…").
func (c *condition) eval(e *env) (holds, ok bool) {
	vals, present := e.values(c.key)
	if c.spec.kind == opNull {
		want, ok := c.values[0].value(e)
		return strings.EqualFold(want, "true") != present, ok
	}
	if !present {
		switch {
		case c.ifExists, c.qual == qualForAll:
			return true, true
		case c.qual == qualForAny:
			return false, true
		}
		return c.spec.negated, true
	}
	switch c.qual {
	case qualForAll:
		for _, v := range vals {
			m, ok := c.any(v, e)
			if !ok {
				return false, false
			}
			if m == c.spec.negated {
				return false, true
			}
		}
		return true, true
	case qualForAny:
		for _, v := range vals {
			m, ok := c.any(v, e)
			if !ok {
				return false, false
			}
			if m != c.spec.negated {
				return true, true
			}
		}
		return false, true
	}
	return c.anyOf(vals, e)
}

// anyOf: without a set operator, a (multi-valued) key matches when any of
// its values matches any policy value; a negated operator holds when none
// does.
func (c *condition) anyOf(vals []string, e *env) (bool, bool) {
	for _, v := range vals {
		m, ok := c.any(v, e)
		if !ok {
			return false, false
		}
		if m {
			return !c.spec.negated, true
		}
	}
	return c.spec.negated, true
}

// any reports whether v matches any of the policy values (the values of
// one key are ORed).
func (c *condition) any(v string, e *env) (bool, bool) {
	for i := range c.values {
		m, ok := compare(c.spec.kind, &c.values[i], v, e)
		if !ok {
			return false, false
		}
		if m {
			return true, true
		}
	}
	return false, true
}
