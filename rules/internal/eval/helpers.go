package eval

import (
	"github.com/dop251/goja"
)

// sqlFunc implements one SQL function over runtime values.
type sqlFunc func(r *rt, args []goja.Value) goja.Value

// builtins returns every SQL function by lower-case name.
func builtins() map[string]sqlFunc {
	all := map[string]sqlFunc{}
	for _, m := range []map[string]sqlFunc{
		mathFuncs(), stringFuncs(), collectionFuncs(), encodingFuncs(), timeFuncs(),
		contextFuncs(), externalFuncs(),
	} {
		for k, v := range m {
			all[k] = v
		}
	}
	return all
}

// helperObject builds the `$` object: operators and functions bound to r.
func (r *rt) helperObject() *goja.Object {
	d := r.vm.NewObject()
	bin := func(f func(a, b goja.Value) goja.Value) func(goja.FunctionCall) goja.Value {
		return func(c goja.FunctionCall) goja.Value { return f(c.Argument(0), c.Argument(1)) }
	}
	arith := func(op string) func(goja.FunctionCall) goja.Value {
		return bin(func(a, b goja.Value) goja.Value { return r.arith(op, a, b) })
	}
	cmp := func(op string) func(goja.FunctionCall) goja.Value {
		return bin(func(a, b goja.Value) goja.Value { return r.compare(op, a, b) })
	}
	set := func(name string, f func(goja.FunctionCall) goja.Value) { _ = d.Set(name, f) }
	set("add", bin(r.add))
	set("sub", arith("-"))
	set("mul", arith("*"))
	set("div", arith("/"))
	set("mod", arith("%"))
	set("lt", cmp("<"))
	set("le", cmp("<="))
	set("gt", cmp(">"))
	set("ge", cmp(">="))
	set("eq", bin(func(a, b goja.Value) goja.Value { return r.eq(a, b, false) }))
	set("ne", bin(func(a, b goja.Value) goja.Value { return r.eq(a, b, true) }))
	set("inl", bin(r.in))
	set("neg", func(c goja.FunctionCall) goja.Value { return r.neg(c.Argument(0)) })
	set("pos", func(c goja.FunctionCall) goja.Value { return r.pos(c.Argument(0)) })
	set("cast", bin(func(a, b goja.Value) goja.Value { return r.cast(a, b.String()) }))
	set("tstr", func(c goja.FunctionCall) goja.Value { return r.vStr(r.templateString(c.Argument(0))) })
	set("encodeRaw", func(c goja.FunctionCall) goja.Value { return r.encodeRaw(c.Argument(0)) })
	set("k", func(goja.FunctionCall) goja.Value { r.charge(elementBytes); return undef })
	set("out", func(c goja.FunctionCall) goja.Value { r.writeOut(c.Argument(0)); return undef })
	set("outf", func(c goja.FunctionCall) goja.Value { r.writeFlat(c.Arguments); return undef })
	set("vars", func(c goja.FunctionCall) goja.Value { r.vars = r.marshal(c.Argument(0), false); return undef })
	for name, f := range builtins() {
		set("f_"+name, func(c goja.FunctionCall) goja.Value { return f(r, c.Arguments) })
	}
	return d
}

// pos implements unary plus: numbers unchanged, numeric strings converted.
func (r *rt) pos(a goja.Value) goja.Value {
	n, ok := toNum(a)
	if !ok {
		return undef
	}
	if n.isInt {
		return a
	}
	return r.vDec(n.f)
}

// templateString converts a template expression result to String; Undefined
// (and Null, whose String conversion is Undefined) become "".
// AWS: iot-substitution-templates.html; iot-sql-data-types.html.
func (r *rt) templateString(v goja.Value) string {
	s, ok := r.toStr(v)
	if !ok {
		return ""
	}
	return s
}

// cast implements cast(v AS type). Null casts to Undefined for every type.
// AWS: iot-sql-functions.html#iot-sql-function-cast.
func (r *rt) cast(v goja.Value, typ string) goja.Value {
	k := kindOf(v)
	if k == kNull || k == kUndef {
		return undef
	}
	switch typ {
	case "String":
		if s, ok := r.toStr(v); ok {
			return r.vStr(s)
		}
	case "Int":
		if k == kBool {
			return r.vInt64(boolInt(v.ToBoolean()))
		}
		if i, ok := toInt(v, roundFloor); ok {
			return r.vInt(i)
		}
	case "Double", "Decimal":
		if k == kBool {
			return r.vDec(float64(boolInt(v.ToBoolean())))
		}
		if f, ok := toDec(v); ok {
			return r.vDec(f)
		}
	case "Boolean":
		if n, ok := toNum(v); ok && k != kStr {
			return r.vBool(n.float() != 0)
		}
		if b, ok := toBool(v); ok {
			return r.vBool(b)
		}
	}
	return undef
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// argsN returns args when there are exactly n; functions called with the
// wrong number of arguments return Undefined (iot-sql-data-types.html).
func argsN(args []goja.Value, n int) bool { return len(args) == n }
