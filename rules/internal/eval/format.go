package eval

import (
	"bytes"
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dop251/goja"
)

// formatDecimal prints a Decimal.
//
// 2015-10-08 prints like Java's Double.toString: a whole value keeps ".0"
// (5.0) and scientific notation is used outside [1e-3, 1e7). 2016-03-23
// processes whole decimals as Int, printing 5 for 5.0; other values use plain
// notation in [1e-7, 1e21) and Java-style "E" notation outside.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-data-types.html#iot-sql-data-types;
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-rule-sql-version.html#iot-rule-sql-version;
// validation-tool casting-sensor-payload*.json (docs/compatibility.md).
func formatDecimal(f float64, modern bool) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	a := math.Abs(f)
	whole := f == math.Trunc(f)
	if modern {
		if a == 0 || (a >= 1e-7 && a < 1e21) {
			if whole {
				return strconv.FormatFloat(f, 'f', 0, 64)
			}
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		return javaSci(f)
	}
	if a == 0 || (a >= 1e-3 && a < 1e7) {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	return javaSci(f)
}

// appendDecimal appends formatDecimal(f, modern), without allocating in the
// common 2016-03-23 case.
func appendDecimal(dst []byte, f float64, modern bool) []byte {
	a := math.Abs(f)
	if modern && !math.IsNaN(f) && !math.IsInf(f, 0) && (a == 0 || (a >= 1e-7 && a < 1e21)) {
		if f == math.Trunc(f) {
			return strconv.AppendFloat(dst, f, 'f', 0, 64)
		}
		return strconv.AppendFloat(dst, f, 'f', -1, 64)
	}
	return append(dst, formatDecimal(f, modern)...)
}

// javaSci formats like Java: 1.0E10, 1.5E-7.
func javaSci(f float64) string {
	s := strconv.FormatFloat(f, 'E', -1, 64) // 1E+10, 1.5E-07
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// marshal serializes a value to JSON text. Undefined members and array
// elements are omitted; Undefined by itself is the empty string.
// AWS: iot-sql-data-types.html (Undefined serialization).
// At top level a raw (non-JSON) payload is written as its bytes; nested it
// becomes a base64 string.
func (r *rt) marshal(v goja.Value, top bool) []byte {
	var b bytes.Buffer
	if top && kindOf(v) == kBytes {
		return bytesOf(v)
	}
	r.writeValue(&b, v, 0)
	return b.Bytes()
}

// writeOut writes the SELECT result: a raw (non-JSON) payload as its bytes,
// anything else as JSON.
func (r *rt) writeOut(v goja.Value) {
	r.outKind = kindOf(v)
	if r.outKind == kBytes {
		r.out.Write(bytesOf(v))
		return
	}
	r.writeValue(&r.out, v, 0)
}

// writeFlat writes a flat SELECT list: the values under the program's keys
// in SELECT order, Undefined ones omitted.
func (r *rt) writeFlat(vals []goja.Value) {
	r.outKind = kObj
	b := &r.out
	b.WriteByte('{')
	first := true
	for i, v := range vals {
		if i >= len(r.cur.keys) || kindOf(v) == kUndef {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.Write(r.cur.keys[i])
		r.writeValue(b, v, 1)
	}
	b.WriteByte('}')
}

const maxMarshalDepth = 1000

func (r *rt) writeValue(b *bytes.Buffer, v goja.Value, depth int) {
	if b.Len() > MaxValueBytes {
		r.fail(ErrTooLarge) // shared references can make any value huge
	}
	r.tick()
	if depth > maxMarshalDepth {
		b.WriteString("null")
		return
	}
	switch kindOf(v) {
	case kUndef:
	case kNull:
		b.WriteString("null")
	case kBool:
		b.WriteString(strconv.FormatBool(v.ToBoolean()))
	case kInt:
		if i := bigOf(v); i.IsInt64() {
			b.Write(strconv.AppendInt(b.AvailableBuffer(), i.Int64(), 10))
		} else {
			b.Write(i.Append(b.AvailableBuffer(), 10))
		}
	case kDec:
		b.Write(appendDecimal(b.AvailableBuffer(), v.ToFloat(), r.version.Modern()))
	case kStr:
		writeString(b, v.String())
	case kBytes:
		writeString(b, base64.StdEncoding.EncodeToString(bytesOf(v)))
	case kArr:
		r.writeArray(b, v.(*goja.Object), depth)
	case kObj:
		r.writeObject(b, v.(*goja.Object), depth)
	}
}

func (r *rt) writeArray(b *bytes.Buffer, o *goja.Object, depth int) {
	b.WriteByte('[')
	first := true
	for _, it := range arrItems(o) {
		if kindOf(it) == kUndef {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		r.writeValue(b, it, depth+1)
	}
	b.WriteByte(']')
}

func (r *rt) writeObject(b *bytes.Buffer, o *goja.Object, depth int) {
	b.WriteByte('{')
	first := true
	for _, k := range objKeys(o) {
		it := getKey(o, k)
		if kindOf(it) == kUndef {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(b, k)
		b.WriteByte(':')
		r.writeValue(b, it, depth+1)
	}
	b.WriteByte('}')
}

// writeString escapes like Jackson: quote, backslash and control characters
// only; non-ASCII text is written as UTF-8.
func writeString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			b.WriteByte(c)
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteString(`\ufffd`)
			} else {
				b.WriteString(s[i : i+size])
			}
			i += size
			continue
		}
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
		i++
	}
	b.WriteByte('"')
}
