package eval

import (
	"math"
	"math/big"

	"github.com/dop251/goja"
)

// add implements +: String with anything concatenates (the other operand
// converted to String); Int+Int is Int; an Int/Decimal mix is Decimal.
// AWS: iot-sql-operators.html (+ operator table).
func (r *rt) add(a, b goja.Value) goja.Value {
	ka, kb := kindOf(a), kindOf(b)
	if ka == kStr || kb == kStr {
		sa, ok1 := r.toStr(a)
		sb, ok2 := r.toStr(b)
		if !ok1 || !ok2 {
			return undef
		}
		r.checkLen(sa, sb)
		return r.vStr(sa + sb)
	}
	if !isNumeric(ka) || !isNumeric(kb) {
		return undef
	}
	return r.arith("+", a, b)
}

// arith implements - * / % (and numeric +): Int op Int is Int (division
// truncates toward zero), otherwise Decimal; numeric Strings convert to
// Decimal; anything else, and division by zero, is Undefined.
// AWS: iot-sql-operators.html (arithmetic tables).
func (r *rt) arith(op string, a, b goja.Value) goja.Value {
	x, ok1 := toNum(a)
	y, ok2 := toNum(b)
	if !ok1 || !ok2 {
		return undef
	}
	if x.isInt && y.isInt {
		return r.intArith(op, x.i, y.i)
	}
	fx, fy := x.float(), y.float()
	switch op {
	case "+":
		return r.vDec(fx + fy)
	case "-":
		return r.vDec(fx - fy)
	case "*":
		return r.vDec(fx * fy)
	case "/":
		if fy == 0 {
			return undef
		}
		return r.vDec(fx / fy)
	case "%":
		if fy == 0 {
			return undef
		}
		return r.vDec(math.Mod(fx, fy))
	}
	return undef
}

func (r *rt) intArith(op string, x, y *big.Int) goja.Value {
	z := new(big.Int)
	switch op {
	case "+":
		z.Add(x, y)
	case "-":
		z.Sub(x, y)
	case "*":
		z.Mul(x, y)
	case "/":
		if y.Sign() == 0 {
			return undef
		}
		z.Quo(x, y)
	case "%":
		if y.Sign() == 0 {
			return undef
		}
		z.Rem(x, y) // sign of the dividend, like Java's %
	}
	return r.vInt(z)
}

// neg implements unary minus.
func (r *rt) neg(a goja.Value) goja.Value {
	n, ok := toNum(a)
	if !ok {
		return undef
	}
	if n.isInt {
		return r.vInt(new(big.Int).Neg(n.i))
	}
	return r.vDec(-n.f)
}

// compare implements > >= < <=: both operands converted to Decimal (Ints
// compared exactly); any failed conversion is Undefined.
// AWS: iot-sql-operators.html (comparison operators).
func (r *rt) compare(op string, a, b goja.Value) goja.Value {
	x, ok1 := toNum(a)
	y, ok2 := toNum(b)
	if !ok1 || !ok2 {
		return undef
	}
	var c int
	if x.isInt && y.isInt {
		c = x.i.Cmp(y.i)
	} else {
		fx, fy := x.float(), y.float()
		switch {
		case fx < fy:
			c = -1
		case fx > fy:
			c = 1
		}
	}
	switch op {
	case ">":
		return r.vBool(c > 0)
	case ">=":
		return r.vBool(c >= 0)
	case "<":
		return r.vBool(c < 0)
	}
	return r.vBool(c <= 0)
}

// eq implements = (negate=false) and <> (negate=true): Undefined if either
// side is Undefined; false (= ) for mismatched types; numeric equality across
// Int and Decimal; deep equality for arrays (ordered) and objects (unordered).
// AWS: iot-sql-operators.html (= and <> tables).
func (r *rt) eq(a, b goja.Value, negate bool) goja.Value {
	if kindOf(a) == kUndef || kindOf(b) == kUndef {
		return undef
	}
	return r.vBool(r.equal(a, b) != negate)
}

// equal compares deeply; it checks the time limit as it goes (arrays
// sharing elements can be exponentially larger than their memory).
func (r *rt) equal(a, b goja.Value) bool {
	r.tick()
	ka, kb := kindOf(a), kindOf(b)
	if isNumeric(ka) && isNumeric(kb) {
		x, _ := toNum(a)
		y, _ := toNum(b)
		if x.isInt && y.isInt {
			return x.i.Cmp(y.i) == 0
		}
		return x.float() == y.float()
	}
	if ka != kb {
		return false
	}
	switch ka {
	case kNull:
		// `<>` of Null and Null is false, so `=` is true.
		// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-operators.html#iot-sql-operators-not-eq
		return true
	case kBool:
		return a.ToBoolean() == b.ToBoolean()
	case kStr:
		return a.String() == b.String()
	case kBytes:
		return string(bytesOf(a)) == string(bytesOf(b))
	case kArr:
		return r.equalArrays(a.(*goja.Object), b.(*goja.Object))
	case kObj:
		return r.equalObjects(a.(*goja.Object), b.(*goja.Object))
	}
	return false
}

func (r *rt) equalArrays(a, b *goja.Object) bool {
	x, y := arrItems(a), arrItems(b)
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if !r.equal(x[i], y[i]) {
			return false
		}
	}
	return true
}

func (r *rt) equalObjects(a, b *goja.Object) bool {
	ka, kb := objKeys(a), objKeys(b)
	if len(ka) != len(kb) {
		return false
	}
	for _, k := range ka {
		vb := getKey(b, k)
		if kindOf(vb) == kUndef || !r.equal(getKey(a, k), vb) {
			return false
		}
	}
	return true
}

// in implements `x IN list`: true if x equals an element, false otherwise,
// Undefined if x is Undefined or the right side is not an array.
// Details UNCONFIRMED (docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-operators.html#iot-sql-operators-in
func (r *rt) in(x, list goja.Value) goja.Value {
	if kindOf(x) == kUndef || kindOf(list) != kArr {
		return undef
	}
	for _, it := range arrItems(list.(*goja.Object)) {
		if kindOf(it) != kUndef && r.equal(x, it) {
			return r.vBool(true)
		}
	}
	return r.vBool(false)
}
