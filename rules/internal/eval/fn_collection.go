package eval

import (
	"unicode/utf16"

	"github.com/dop251/goja"
)

// collectionFuncs: AWS: iot-sql-functions.html (isNull, isUndefined, get,
// transform, get_or_default).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-sql-functions
func collectionFuncs() map[string]sqlFunc {
	return map[string]sqlFunc{
		"isnull": func(r *rt, a []goja.Value) goja.Value {
			if !argsN(a, 1) {
				return undef
			}
			return r.vBool(kindOf(a[0]) == kNull)
		},
		"isundefined": func(r *rt, a []goja.Value) goja.Value {
			if !argsN(a, 1) {
				return undef
			}
			return r.vBool(kindOf(a[0]) == kUndef)
		},
		"get":            fnGet,
		"transform":      fnTransform,
		"get_or_default": fnGetOrDefault,
	}
}

// fnGet: Array + index (converted to Int; out of range is Undefined), String +
// index (the character), Object + String key (no conversion).
// AWS: iot-sql-functions.html#iot-sql-function-get.
func fnGet(r *rt, a []goja.Value) goja.Value {
	if !argsN(a, 2) {
		return undef
	}
	switch kindOf(a[0]) {
	case kArr:
		i, ok := toInt64(a[1], roundFloor)
		items := arrItems(a[0].(*goja.Object))
		if !ok || i < 0 || i >= int64(len(items)) {
			return undef
		}
		return items[i]
	case kStr:
		i, ok := toInt64(a[1], roundFloor)
		u := utf16.Encode([]rune(a[0].String()))
		if !ok || i < 0 || i >= int64(len(u)) {
			return undef
		}
		return r.vStr(string(utf16.Decode(u[i : i+1])))
	case kObj:
		if kindOf(a[1]) != kStr {
			return undef
		}
		return getKey(a[0].(*goja.Object), a[1].String())
	}
	return undef
}

// fnTransform implements transform("enrichArray", obj, arr): each object
// element of arr is copied and obj's members are added after its own. Any
// other mode is Undefined. A one-element array holding an object (the result
// of a nested query) is accepted as obj (UNCONFIRMED, docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-func-transform-example3
// AWS: iot-sql-functions.html#iot-func-transform.
func fnTransform(r *rt, a []goja.Value) goja.Value {
	if !argsN(a, 3) || kindOf(a[0]) != kStr || a[0].String() != "enrichArray" {
		return undef
	}
	obj := a[1]
	if kindOf(obj) == kArr {
		if items := arrItems(obj.(*goja.Object)); len(items) == 1 {
			obj = items[0]
		}
	}
	if kindOf(obj) != kObj || kindOf(a[2]) != kArr {
		return undef
	}
	src := obj.(*goja.Object)
	var out []goja.Value
	for _, el := range arrItems(a[2].(*goja.Object)) {
		if kindOf(el) != kObj {
			out = append(out, el)
			continue
		}
		o := r.newObj()
		e := el.(*goja.Object)
		for _, k := range objKeys(e) {
			setKey(o, k, getKey(e, k))
		}
		for _, k := range objKeys(src) {
			setKey(o, k, getKey(src, k))
		}
		out = append(out, o)
	}
	return r.vArr(out)
}

// fnGetOrDefault returns the default when the expression is Undefined
// (function listed by AWS without a readable body; UNCONFIRMED).
func fnGetOrDefault(r *rt, a []goja.Value) goja.Value {
	if !argsN(a, 2) {
		return undef
	}
	if kindOf(a[0]) == kUndef {
		return a[1]
	}
	return a[0]
}
