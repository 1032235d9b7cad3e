package eval

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/dop251/goja"
)

// numericString is the String→Decimal conversion pattern.
// AWS: iot-sql-data-types.html#iot-sql-conversions (String row).
var numericString = regexp.MustCompile(`^-?\d+(\.\d+)?([eE]-?\d+)?$`)

// toDec converts to Decimal following the conversion table; ok is false when
// the result is Undefined (Null, Boolean, Array, Object, non-numeric String).
func toDec(v goja.Value) (float64, bool) {
	switch kindOf(v) {
	case kInt:
		return bigFloat(bigOf(v)), true
	case kDec:
		return v.ToFloat(), true
	case kStr:
		s := v.String()
		if !numericString.MatchString(s) {
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	return 0, false
}

// numArg is a numeric operand after conversion: Int stays exact.
type numArg struct {
	isInt bool
	i     *big.Int
	f     float64
}

// toNum converts Int, Decimal and numeric Strings (which become Decimal).
func toNum(v goja.Value) (numArg, bool) {
	if kindOf(v) == kInt {
		return numArg{isInt: true, i: bigOf(v)}, true
	}
	f, ok := toDec(v)
	return numArg{f: f}, ok
}

func (n numArg) float() float64 {
	if !n.isInt {
		return n.f
	}
	return bigFloat(n.i)
}

// bigFloat converts an Int to the nearest double, without allocating for
// values a double holds exactly.
func bigFloat(b *big.Int) float64 {
	if b.IsInt64() {
		if n := b.Int64(); n > -1<<53 && n < 1<<53 {
			return float64(n)
		}
	}
	f, _ := new(big.Float).SetInt(b).Float64()
	return f
}

// roundMode selects how a Decimal becomes an Int.
type roundMode int

const (
	roundFloor   roundMode = iota // "rounded down" (cast, most functions)
	roundNearest                  // implicit conversion table
	roundTrunc                    // String→Int
)

// toInt converts to Int. Decimals are rounded per mode; Strings are parsed
// as Decimal then truncated. AWS: iot-sql-data-types.html#iot-sql-conversions.
func toInt(v goja.Value, mode roundMode) (*big.Int, bool) {
	switch kindOf(v) {
	case kInt:
		return bigOf(v), true
	case kDec:
		return floatToInt(v.ToFloat(), mode)
	case kStr:
		f, ok := toDec(v)
		if !ok {
			return nil, false
		}
		return floatToInt(f, roundTrunc)
	}
	return nil, false
}

func floatToInt(f float64, mode roundMode) (*big.Int, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, false
	}
	switch mode {
	case roundFloor:
		f = math.Floor(f)
	case roundNearest:
		f = math.Round(f)
	default:
		f = math.Trunc(f)
	}
	b, _ := new(big.Float).SetFloat64(f).Int(nil)
	return b, true
}

// toInt64 is toInt clamped to the int64 range.
func toInt64(v goja.Value, mode roundMode) (int64, bool) {
	b, ok := toInt(v, mode)
	if !ok {
		return 0, false
	}
	if !b.IsInt64() {
		if b.Sign() < 0 {
			return math.MinInt64, true
		}
		return math.MaxInt64, true
	}
	return b.Int64(), true
}

// toBool converts Boolean and the strings "true"/"false" (any case).
// AWS: iot-sql-data-types.html#iot-sql-conversions (Boolean column).
func toBool(v goja.Value) (bool, bool) {
	switch kindOf(v) {
	case kBool:
		return v.ToBoolean(), true
	case kStr:
		switch strings.ToLower(v.String()) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// toStr converts to String: numbers as text, Boolean as "true"/"false",
// Array and Object as JSON text; Null and Undefined fail.
// AWS: iot-sql-data-types.html#iot-sql-conversions (String column).
func (r *rt) toStr(v goja.Value) (string, bool) {
	switch kindOf(v) {
	case kStr:
		return v.String(), true
	case kInt:
		return bigOf(v).String(), true
	case kDec:
		return formatDecimal(v.ToFloat(), r.version.Modern()), true
	case kBool:
		return strconv.FormatBool(v.ToBoolean()), true
	case kArr, kObj:
		return string(r.marshal(v, false)), true // bounded by writeValue
	case kBytes:
		return string(bytesOf(v)), true
	}
	return "", false
}
