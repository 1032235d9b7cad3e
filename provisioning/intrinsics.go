package provisioning

import (
	"encoding/json"
	"strconv"
	"strings"
)

// The intrinsic functions of provisioning templates: Ref, Fn::Join,
// Fn::Select, Fn::Split, Fn::FindInMap and Fn::Sub, as the guide lists
// them, with CloudFormation's semantics; and CloudFormation's condition
// functions Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or (with the
// Conditions section and AWS::NoValue), which the guide does not list
// (UNCONFIRMED, docs/compatibility.md "Fleet provisioning").
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#intrinsic-functions
// AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html

var intrinsicNames = map[string]bool{
	"Ref": true, "Fn::Join": true, "Fn::Select": true, "Fn::Split": true, "Fn::FindInMap": true, "Fn::Sub": true,
	"Fn::If": true, "Fn::Equals": true, "Fn::Not": true, "Fn::And": true, "Fn::Or": true, "Condition": true,
}

// isIntrinsic reports whether v is a one-key object naming a function.
func isIntrinsic(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return false
	}
	for k := range m {
		return intrinsicNames[k]
	}
	return false
}

// noValue is AWS::NoValue: the property or list element is dropped.
type noValueType struct{}

var noValue = noValueType{}

// evaluator evaluates values of one provisioning run.
type evaluator struct {
	body       *Body
	params     map[string]string
	conditions map[string]bool
	evaluating map[string]bool // conditions on the stack, against cycles
}

func newEvaluator(b *Body, params map[string]string) *evaluator {
	return &evaluator{body: b, params: params, conditions: map[string]bool{}, evaluating: map[string]bool{}}
}

// eval resolves every function in v.
func (e *evaluator) eval(v any) (any, *Error) {
	switch x := v.(type) {
	case map[string]any:
		if isIntrinsic(x) {
			for name, arg := range x {
				return e.call(name, arg)
			}
		}
		for name := range x {
			if len(x) == 1 && strings.HasPrefix(name, "Fn::") {
				return nil, templateError("Unsupported function %s", name)
			}
		}
		out := make(map[string]any, len(x))
		for k, item := range x {
			r, err := e.eval(item)
			if err != nil {
				return nil, err
			}
			if r != noValue {
				out[k] = r
			}
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(x))
		for _, item := range x {
			r, err := e.eval(item)
			if err != nil {
				return nil, err
			}
			if r != noValue {
				out = append(out, r)
			}
		}
		return out, nil
	case json.Number:
		return x.String(), nil
	}
	return v, nil
}

func (e *evaluator) call(name string, arg any) (any, *Error) {
	switch name {
	case "Ref":
		return e.ref(arg)
	case "Fn::Join":
		return e.join(arg)
	case "Fn::Select":
		return e.selectFn(arg)
	case "Fn::Split":
		return e.split(arg)
	case "Fn::FindInMap":
		return e.findInMap(arg)
	case "Fn::Sub":
		return e.sub(arg)
	case "Fn::If":
		return e.ifFn(arg)
	}
	return e.boolean(name, arg)
}

// ref is Ref: a parameter's value (the request's, else its default), or
// AWS::NoValue.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#parameters-section
func (e *evaluator) ref(arg any) (any, *Error) {
	name, ok := arg.(string)
	if !ok {
		return nil, templateError("Ref takes a parameter name")
	}
	if name == "AWS::NoValue" {
		return noValue, nil
	}
	return e.param(name)
}

func (e *evaluator) param(name string) (string, *Error) {
	if v, ok := e.params[name]; ok {
		return v, nil
	}
	if p, ok := e.body.Parameters[name]; ok && p.Default != nil {
		return *p.Default, nil
	}
	if _, ok := e.body.Parameters[name]; ok {
		return "", templateError("Missing value for parameter %s", name)
	}
	return "", templateError("Ref to the undeclared parameter %s", name)
}

// str evaluates v to a string.
func (e *evaluator) str(v any, what string) (string, *Error) {
	r, err := e.eval(v)
	if err != nil {
		return "", err
	}
	switch s := r.(type) {
	case string:
		return s, nil
	case bool:
		return strconv.FormatBool(s), nil
	}
	return "", templateError("%s must be a string", what)
}

// list evaluates v to a list of values.
func (e *evaluator) list(v any, what string) ([]any, *Error) {
	r, err := e.eval(v)
	if err != nil {
		return nil, err
	}
	l, ok := r.([]any)
	if !ok {
		return nil, templateError("%s must be a list", what)
	}
	return l, nil
}

func args(arg any, n int, fn string) ([]any, *Error) {
	a, ok := arg.([]any)
	if !ok || len(a) != n {
		return nil, templateError("%s takes a list of %d arguments", fn, n)
	}
	return a, nil
}

func (e *evaluator) join(arg any) (any, *Error) {
	a, err := args(arg, 2, "Fn::Join")
	if err != nil {
		return nil, err
	}
	delim, err := e.str(a[0], "The Fn::Join delimiter")
	if err != nil {
		return nil, err
	}
	items, err := e.list(a[1], "The Fn::Join values")
	if err != nil {
		return nil, err
	}
	parts := make([]string, len(items))
	for i, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, templateError("Fn::Join values must be strings")
		}
		parts[i] = s
	}
	return strings.Join(parts, delim), nil
}

// selectFn is Fn::Select; a null element or an index out of range fails
// the run.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#intrinsic-functions
func (e *evaluator) selectFn(arg any) (any, *Error) {
	a, err := args(arg, 2, "Fn::Select")
	if err != nil {
		return nil, err
	}
	is, err := e.str(a[0], "The Fn::Select index")
	if err != nil {
		return nil, err
	}
	i, convErr := strconv.Atoi(is)
	if convErr != nil {
		return nil, templateError("The Fn::Select index %q is not an integer", is)
	}
	items, err := e.list(a[1], "The Fn::Select list")
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= len(items) {
		return nil, templateError("Fn::Select index %d is out of range (the list has %d elements)", i, len(items))
	}
	if items[i] == nil {
		return nil, templateError("Fn::Select selected a null element")
	}
	return items[i], nil
}

func (e *evaluator) split(arg any) (any, *Error) {
	a, err := args(arg, 2, "Fn::Split")
	if err != nil {
		return nil, err
	}
	delim, err := e.str(a[0], "The Fn::Split delimiter")
	if err != nil {
		return nil, err
	}
	s, err := e.str(a[1], "The Fn::Split source")
	if err != nil {
		return nil, err
	}
	if delim == "" {
		return nil, templateError("The Fn::Split delimiter must not be empty")
	}
	parts := strings.Split(s, delim)
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

func (e *evaluator) findInMap(arg any) (any, *Error) {
	a, err := args(arg, 3, "Fn::FindInMap")
	if err != nil {
		return nil, err
	}
	var keys [3]string
	for i := range keys {
		if keys[i], err = e.str(a[i], "Fn::FindInMap arguments"); err != nil {
			return nil, err
		}
	}
	m, ok := e.body.Mappings[keys[0]]
	if !ok {
		return nil, templateError("Fn::FindInMap: the mapping %s does not exist", keys[0])
	}
	top, ok := m[keys[1]]
	if !ok {
		return nil, templateError("Fn::FindInMap: the key %s is not in mapping %s", keys[1], keys[0])
	}
	v, ok := top[keys[2]]
	if !ok {
		return nil, templateError("Fn::FindInMap: the key %s is not under %s in mapping %s", keys[2], keys[1], keys[0])
	}
	if n, isNum := v.(json.Number); isNum {
		return n.String(), nil
	}
	return v, nil // Mappings hold no functions
}

// sub is Fn::Sub: "${Name}" is the parameter (or, in the two-argument
// form, the variable) Name; "${!Literal}" is "${Literal}".
// AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html
func (e *evaluator) sub(arg any) (any, *Error) {
	var text string
	vars := map[string]string{}
	switch a := arg.(type) {
	case string:
		text = a
	case []any:
		if len(a) != 2 {
			return nil, templateError("Fn::Sub takes a string or a list of a string and a map")
		}
		s, ok := a[0].(string)
		m, okM := a[1].(map[string]any)
		if !ok || !okM {
			return nil, templateError("Fn::Sub takes a string or a list of a string and a map")
		}
		text = s
		for k, v := range m {
			val, err := e.str(v, "Fn::Sub variables")
			if err != nil {
				return nil, err
			}
			vars[k] = val
		}
	default:
		return nil, templateError("Fn::Sub takes a string or a list of a string and a map")
	}
	var out strings.Builder
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			out.WriteString(text)
			return out.String(), nil
		}
		out.WriteString(text[:i])
		j := strings.Index(text[i:], "}")
		if j < 0 {
			return nil, templateError("Fn::Sub: unterminated ${ in %q", text)
		}
		name := text[i+2 : i+j]
		text = text[i+j+1:]
		if strings.HasPrefix(name, "!") {
			out.WriteString("${" + name[1:] + "}")
			continue
		}
		if v, ok := vars[name]; ok {
			out.WriteString(v)
			continue
		}
		v, err := e.param(name)
		if err != nil {
			return nil, err
		}
		out.WriteString(v)
	}
}

func (e *evaluator) ifFn(arg any) (any, *Error) {
	a, err := args(arg, 3, "Fn::If")
	if err != nil {
		return nil, err
	}
	name, ok := a[0].(string)
	if !ok {
		return nil, templateError("Fn::If takes a condition name first")
	}
	c, err := e.condition(name)
	if err != nil {
		return nil, err
	}
	if c {
		return e.eval(a[1])
	}
	return e.eval(a[2])
}

// condition evaluates a named condition of the Conditions section once.
func (e *evaluator) condition(name string) (bool, *Error) {
	if v, ok := e.conditions[name]; ok {
		return v, nil
	}
	expr, ok := e.body.Conditions[name]
	if !ok {
		return false, templateError("The condition %s is not declared", name)
	}
	if e.evaluating[name] {
		return false, templateError("The condition %s refers to itself", name)
	}
	e.evaluating[name] = true
	v, err := e.cond(expr)
	delete(e.evaluating, name)
	if err != nil {
		return false, err
	}
	e.conditions[name] = v
	return v, nil
}

// cond evaluates a condition expression to a boolean.
func (e *evaluator) cond(expr any) (bool, *Error) {
	m, ok := expr.(map[string]any)
	if !ok || !isIntrinsic(m) {
		return false, templateError("A condition must be Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition")
	}
	for name, arg := range m {
		r, err := e.boolean(name, arg)
		if err != nil {
			return false, err
		}
		b, isBool := r.(bool)
		if !isBool {
			return false, templateError("%s is not a condition function", name)
		}
		return b, nil
	}
	return false, nil
}

// boolean evaluates the condition functions.
func (e *evaluator) boolean(name string, arg any) (any, *Error) {
	switch name {
	case "Condition":
		n, ok := arg.(string)
		if !ok {
			return nil, templateError("Condition takes a condition name")
		}
		return e.condition(n)
	case "Fn::Equals":
		a, err := args(arg, 2, "Fn::Equals")
		if err != nil {
			return nil, err
		}
		l, err := e.str(a[0], "Fn::Equals arguments")
		if err != nil {
			return nil, err
		}
		r, err := e.str(a[1], "Fn::Equals arguments")
		if err != nil {
			return nil, err
		}
		return l == r, nil
	case "Fn::Not":
		a, err := args(arg, 1, "Fn::Not")
		if err != nil {
			return nil, err
		}
		v, err := e.cond(a[0])
		return !v, err
	case "Fn::And", "Fn::Or":
		a, ok := arg.([]any)
		if !ok || len(a) < 2 || len(a) > 10 {
			return nil, templateError("%s takes a list of 2 to 10 conditions", name)
		}
		all, anyTrue := true, false
		for _, c := range a {
			v, err := e.cond(c)
			if err != nil {
				return nil, err
			}
			all, anyTrue = all && v, anyTrue || v
		}
		if name == "Fn::And" {
			return all, nil
		}
		return anyTrue, nil
	}
	return nil, templateError("Unsupported function %s", name)
}
