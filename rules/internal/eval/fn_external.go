package eval

import (
	"errors"
	"fmt"

	"github.com/dop251/goja"
)

// ErrNoExternal is the failure of an external function when no backend is
// configured.
var ErrNoExternal = errors.New("no backend configured for external function")

// ErrCallLimit is the failure of a second get_dynamodb or get_registry_data
// call in one statement. AWS: iot-sql-functions.html#iot-sql-function-get-dynamodb.
var ErrCallLimit = errors.New("function may be called only once per SQL statement")

// externalFuncs call other services through Env.External.
// AWS: iot-sql-functions.html (aws_lambda, get_dynamodb, get_secret,
// get_thing_shadow, get_registry_data, machinelearning_predict).
func externalFuncs() map[string]sqlFunc {
	m := map[string]sqlFunc{}
	for _, name := range []string{
		"aws_lambda", "get_dynamodb", "get_secret", "get_thing_shadow",
		"get_registry_data", "machinelearning_predict",
	} {
		m[name] = func(r *rt, a []goja.Value) goja.Value { return r.external(name, a) }
	}
	return m
}

var oncePerStatement = map[string]bool{"get_dynamodb": true, "get_registry_data": true}

// external performs the call. A failure stops the evaluation: the rule runs
// no action and the error is reported (the way AWS fails the rule when an
// external function call fails).
func (r *rt) external(name string, a []goja.Value) goja.Value {
	if oncePerStatement[name] {
		if r.calls == nil {
			r.calls = map[string]int{}
		}
		r.calls[name]++
		if r.calls[name] > 1 {
			return r.fail(fmt.Errorf("call %s: %w", name, ErrCallLimit))
		}
	}
	if r.env.External == nil {
		return r.fail(fmt.Errorf("call %s: %w", name, ErrNoExternal))
	}
	args := make([]ExtArg, len(a))
	for i, v := range a {
		switch kindOf(v) {
		case kUndef:
			args[i] = ExtArg{IsUndefined: true}
		case kStr:
			args[i] = ExtArg{IsString: true, Str: v.String()}
		default:
			args[i] = ExtArg{JSON: r.marshal(v, true)}
		}
	}
	res, err := r.env.External(r.ctx, name, args)
	if errors.Is(err, ErrUndefined) {
		return undef
	}
	if err != nil {
		return r.fail(fmt.Errorf("call %s: %w", name, err))
	}
	if v, err := r.parseJSON(res); err == nil {
		return v
	}
	return r.vStr(string(res))
}
