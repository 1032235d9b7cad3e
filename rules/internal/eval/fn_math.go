package eval

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/dop251/goja"
)

// mathFuncs: abs ... trunc.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-sql-functions
func mathFuncs() map[string]sqlFunc {
	m := map[string]sqlFunc{
		"abs":       fnAbs,
		"atan2":     dbl2(math.Atan2), // atan2(1, 0) = π/2: first argument is y
		"power":     dbl2(math.Pow),
		"ceil":      rounder(math.Ceil),
		"floor":     rounder(math.Floor),
		"round":     rounder(math.Round), // half away from zero, per the examples
		"sign":      fnSign,
		"trunc":     fnTrunc,
		"mod":       fnMod,
		"remainder": fnMod,
		"nanvl":     fnNanvl,
		"bitand":    bitOp((*big.Int).And),
		"bitor":     bitOp((*big.Int).Or),
		"bitxor":    bitOp((*big.Int).Xor),
		"bitnot":    fnBitnot,
		"rand":      fnRand,
	}
	for name, f := range map[string]func(float64) float64{
		"acos": math.Acos, "asin": math.Asin, "atan": math.Atan, "cos": math.Cos, "sin": math.Sin,
		"tan": math.Tan, "cosh": math.Cosh, "sinh": math.Sinh, "tanh": math.Tanh, "exp": math.Exp,
		"ln": math.Log, "log": math.Log10, "sqrt": math.Sqrt,
	} {
		m[name] = dbl1(f)
	}
	return m
}

// dbl1 wraps a one-argument double function: std-num argument, Decimal
// result; out-of-domain results (NaN, infinities) are Undefined.
func dbl1(f func(float64) float64) sqlFunc {
	return func(r *rt, a []goja.Value) goja.Value {
		if !argsN(a, 1) {
			return undef
		}
		x, ok := toDec(a[0])
		if !ok {
			return undef
		}
		return r.vDec(f(x))
	}
}

func dbl2(f func(float64, float64) float64) sqlFunc {
	return func(r *rt, a []goja.Value) goja.Value {
		if !argsN(a, 2) {
			return undef
		}
		x, ok1 := toDec(a[0])
		y, ok2 := toDec(a[1])
		if !ok1 || !ok2 {
			return undef
		}
		return r.vDec(f(x, y))
	}
}

// fnAbs keeps the type: Int→Int, Decimal→Decimal, String→Decimal.
func fnAbs(r *rt, a []goja.Value) goja.Value {
	if !argsN(a, 1) {
		return undef
	}
	n, ok := toNum(a[0])
	if !ok {
		return undef
	}
	if n.isInt {
		return r.vInt(new(big.Int).Abs(n.i))
	}
	return r.vDec(math.Abs(n.f))
}

// rounder implements ceil/floor/round: Int unchanged, Decimal and numeric
// String rounded to an Int.
func rounder(f func(float64) float64) sqlFunc {
	return func(r *rt, a []goja.Value) goja.Value {
		if !argsN(a, 1) {
			return undef
		}
		n, ok := toNum(a[0])
		if !ok {
			return undef
		}
		if n.isInt {
			return r.vInt(n.i)
		}
		i, ok := floatToInt(f(n.f), roundTrunc)
		if !ok {
			return undef
		}
		return r.vInt(i)
	}
}

func fnSign(r *rt, a []goja.Value) goja.Value {
	if !argsN(a, 1) {
		return undef
	}
	n, ok := toNum(a[0])
	if !ok {
		return undef
	}
	if n.isInt {
		return r.vInt64(int64(n.i.Sign()))
	}
	switch {
	case n.f > 0:
		return r.vInt64(1)
	case n.f < 0:
		return r.vInt64(-1)
	}
	return r.vInt64(0)
}

// fnTrunc truncates to d decimal places (d clamped to 0..34, Decimal d
// rounded down); trailing zeros are stripped, so a whole result is an Int.
// AWS: iot-sql-functions.html#iot-func-trunc.
func fnTrunc(r *rt, a []goja.Value) goja.Value {
	if !argsN(a, 2) {
		return undef
	}
	d, ok := toInt64(a[1], roundFloor)
	if !ok {
		return undef
	}
	d = min(max(d, 0), 34)
	n, ok := toNum(a[0])
	if !ok {
		return undef
	}
	if n.isInt {
		return r.vInt(n.i)
	}
	s := strconv.FormatFloat(n.f, 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	if int64(len(frac)) > d {
		frac = frac[:d]
	}
	frac = strings.TrimRight(frac, "0")
	if frac == "" {
		i, ok := new(big.Int).SetString(whole, 10)
		if !ok {
			return undef
		}
		return r.vInt(i)
	}
	f, _ := strconv.ParseFloat(whole+"."+frac, 64)
	return r.vDec(f)
}

// fnMod is mod()/remainder(): the same as the % operator.
func fnMod(r *rt, a []goja.Value) goja.Value {
	if !argsN(a, 2) {
		return undef
	}
	return r.arith("%", a[0], a[1])
}

// fnNanvl returns b when a is Undefined, Null or NaN, else a.
func fnNanvl(r *rt, a []goja.Value) goja.Value {
	if !argsN(a, 2) {
		return undef
	}
	if k := kindOf(a[0]); k == kUndef || k == kNull {
		return a[1]
	}
	return a[0]
}

// bitOp: Int arguments; Decimals and numeric Strings rounded down.
func bitOp(op func(z, x, y *big.Int) *big.Int) sqlFunc {
	return func(r *rt, a []goja.Value) goja.Value {
		if !argsN(a, 2) {
			return undef
		}
		x, ok1 := toInt(a[0], roundFloor)
		y, ok2 := toInt(a[1], roundFloor)
		if !ok1 || !ok2 {
			return undef
		}
		return r.vInt(op(new(big.Int), x, y))
	}
}

// fnBitnot is the two's-complement NOT (bitnot(13) = -14); the AWS example
// printing 2 is treated as a doc error (docs/compatibility.md "Rules engine").
func fnBitnot(r *rt, a []goja.Value) goja.Value {
	if !argsN(a, 1) {
		return undef
	}
	x, ok := toInt(a[0], roundFloor)
	if !ok {
		return undef
	}
	return r.vInt(new(big.Int).Not(x))
}

func fnRand(r *rt, a []goja.Value) goja.Value {
	if len(a) != 0 {
		return undef
	}
	return r.vDec(r.env.Rand())
}
