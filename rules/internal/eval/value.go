package eval

import (
	"math"
	"math/big"
	"reflect"
	"strconv"
	"unsafe"

	"github.com/dop251/goja"
)

// kind is an AWS IoT SQL data type. AWS: iot-sql-data-types.html.
//
// Representation in the JavaScript runtime:
//   - Undefined: JS undefined (never serialized; members are dropped)
//   - Null: JS null
//   - Boolean: JS boolean
//   - Int: JS BigInt (exact, any size)
//   - Decimal: JS number (IEEE double)
//   - String: JS string
//   - Array: JS array
//   - Object: plain JS object whose keys carry the prefix keyPrefix, so that
//     integer-like keys keep their insertion order and no key can reach
//     Object.prototype
//   - raw non-JSON payload: ArrayBuffer
type kind int

const (
	kUndef kind = iota
	kNull
	kBool
	kInt
	kDec
	kStr
	kArr
	kObj
	kBytes
)

// keyPrefix is prepended to every object key inside the runtime.
const keyPrefix = "."

var (
	boolType        = reflect.TypeOf(true)
	arrayBufferType = reflect.TypeOf(goja.ArrayBuffer{})
)

func kindOf(v goja.Value) kind {
	if v == nil {
		return kUndef
	}
	if o, ok := v.(*goja.Object); ok {
		if o.ClassName() == "Array" {
			return kArr
		}
		if o.ExportType() == arrayBufferType {
			return kBytes
		}
		return kObj
	}
	switch {
	case goja.IsUndefined(v):
		return kUndef
	case goja.IsNull(v):
		return kNull
	case goja.IsBigInt(v):
		return kInt
	case goja.IsNumber(v):
		return kDec
	case goja.IsString(v):
		return kStr
	case v.ExportType() == boolType:
		return kBool
	}
	return kUndef
}

func isNumeric(k kind) bool { return k == kInt || k == kDec }

var (
	undef = goja.Undefined()
	null  = goja.Null()
)

// bigOf returns a BigInt's value without the copy goja's Export makes (one
// allocation per operand on the hot path): goja's BigInt value is a
// *big.Int under another name. The result is read-only.
func bigOf(v goja.Value) *big.Int {
	if goja.IsBigInt(v) {
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer && rv.Type().Elem().ConvertibleTo(bigIntType) {
			return (*big.Int)(unsafe.Pointer(rv.Pointer()))
		}
	}
	b, _ := v.Export().(*big.Int)
	if b == nil {
		return new(big.Int)
	}
	return b
}

var bigIntType = reflect.TypeOf(big.Int{})

func (r *rt) vInt(b *big.Int) goja.Value { return r.vm.ToValue(b) }

// vInt64 returns an Int; ToValue copies the big.Int, so one scratch value
// per runtime serves every call.
func (r *rt) vInt64(n int64) goja.Value {
	r.scratch.SetInt64(n)
	return r.vm.ToValue(&r.scratch)
}

// vDec returns a Decimal; NaN and infinities are Undefined because AWS
// Decimals cannot hold them (iot-sql-data-types.html, Decimal range).
func (r *rt) vDec(f float64) goja.Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return undef
	}
	return r.vm.ToValue(f)
}

// vStr returns a String built by a function, charged to the evaluation.
func (r *rt) vStr(s string) goja.Value {
	r.charge(len(s))
	return r.vm.ToValue(s)
}

func (r *rt) vBool(b bool) goja.Value { return r.vm.ToValue(b) }

func (r *rt) vArr(items []goja.Value) goja.Value {
	r.charge(elementBytes * len(items))
	a := make([]any, len(items))
	for i, it := range items {
		a[i] = it
	}
	return r.vm.NewArray(a...)
}

func (r *rt) newObj() *goja.Object { return r.vm.NewObject() }

// setKey sets an object member by its AWS name, skipping Undefined.
func setKey(o *goja.Object, k string, v goja.Value) {
	if kindOf(v) == kUndef {
		return
	}
	_ = o.Set(keyPrefix+k, v)
}

// getKey reads an object member by its AWS name.
func getKey(o *goja.Object, k string) goja.Value { return o.Get(keyPrefix + k) }

// objKeys returns the AWS names of an object's members in insertion order.
func objKeys(o *goja.Object) []string {
	ks := o.Keys()
	for i, k := range ks {
		if len(k) > 0 && k[:1] == keyPrefix {
			ks[i] = k[1:]
		}
	}
	return ks
}

func arrItems(o *goja.Object) []goja.Value {
	n := int(o.Get("length").ToInteger())
	out := make([]goja.Value, n)
	for i := range n {
		out[i] = o.Get(itoa(i))
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

func bytesOf(v goja.Value) []byte {
	ab, _ := v.Export().(goja.ArrayBuffer)
	return ab.Bytes()
}
