package eval

import (
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/dop251/goja"
)

// stringFuncs: concat ... chr.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-sql-functions
// Lengths and indices count UTF-16 code units like the Java engine.
func stringFuncs() map[string]sqlFunc {
	return map[string]sqlFunc{
		"concat":         fnConcat,
		"length":         str1(func(r *rt, s string) goja.Value { return r.vInt64(int64(len(utf16.Encode([]rune(s))))) }),
		"numbytes":       str1(func(r *rt, s string) goja.Value { return r.vInt64(int64(len(s))) }),
		"lower":          str1(func(r *rt, s string) goja.Value { return r.vStr(strings.ToLower(s)) }),
		"upper":          str1(func(r *rt, s string) goja.Value { return r.vStr(strings.ToUpper(s)) }),
		"ltrim":          str1(func(r *rt, s string) goja.Value { return r.vStr(strings.TrimLeftFunc(s, isTrimSpace)) }),
		"rtrim":          str1(func(r *rt, s string) goja.Value { return r.vStr(strings.TrimRightFunc(s, isTrimSpace)) }),
		"trim":           str1(func(r *rt, s string) goja.Value { return r.vStr(strings.TrimFunc(s, isTrimSpace)) }),
		"lpad":           pad(true),
		"rpad":           pad(false),
		"substring":      fnSubstring,
		"indexof":        fnIndexOf,
		"startswith":     str2(func(r *rt, a, b string) goja.Value { return r.vBool(strings.HasPrefix(a, b)) }),
		"endswith":       str2(func(r *rt, a, b string) goja.Value { return r.vBool(strings.HasSuffix(a, b)) }),
		"replace":        fnReplace,
		"regexp_matches": str2(fnRegexpMatches),
		"regexp_substr":  str2(fnRegexpSubstr),
		"regexp_replace": fnRegexpReplace,
		"chr":            fnChr,
	}
}

// isTrimSpace matches what Java's String.trim removes (code points <= ' ').
func isTrimSpace(r rune) bool { return r <= ' ' }

// strArgs converts every argument with the String conversion; any failure
// (Null, Undefined) makes the call Undefined.
func (r *rt) strArgs(a []goja.Value) ([]string, bool) {
	out := make([]string, len(a))
	for i, v := range a {
		s, ok := r.toStr(v)
		if !ok {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}

func str1(f func(r *rt, s string) goja.Value) sqlFunc {
	return func(r *rt, a []goja.Value) goja.Value {
		if len(a) != 1 {
			return undef
		}
		s, ok := r.toStr(a[0])
		if !ok {
			return undef
		}
		return f(r, s)
	}
}

func str2(f func(r *rt, a, b string) goja.Value) sqlFunc {
	return func(r *rt, a []goja.Value) goja.Value {
		s, ok := r.strArgs(a)
		if !ok || len(s) != 2 {
			return undef
		}
		return f(r, s[0], s[1])
	}
}

// fnConcat: no argument is Undefined, one is returned unchanged; with an
// Array among the arguments the result is one array (arrays spliced);
// otherwise the String conversions are concatenated.
// AWS: iot-sql-functions.html#iot-func-concat.
func fnConcat(r *rt, a []goja.Value) goja.Value {
	switch len(a) {
	case 0:
		return undef
	case 1:
		return a[0]
	}
	for _, v := range a {
		if kindOf(v) != kArr {
			continue
		}
		var items []goja.Value
		for _, x := range a {
			r.charge(0)
			if kindOf(x) == kArr {
				items = append(items, arrItems(x.(*goja.Object))...)
			} else {
				items = append(items, x)
			}
		}
		return r.vArr(items)
	}
	s, ok := r.strArgs(a)
	if !ok {
		return undef
	}
	r.checkLen(s...)
	return r.vStr(strings.Join(s, ""))
}

// checkLen fails the evaluation before a result of the parts' total length
// is built past MaxValueBytes (the charge of the result comes after).
func (r *rt) checkLen(parts ...string) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n > MaxValueBytes {
		r.fail(ErrTooLarge)
	}
}

// pad implements lpad/rpad: n spaces, n clamped to 0..1000, Decimal n rounded
// down, String n converted, other n Undefined.
// AWS: iot-sql-functions.html#iot-func-lpad.
func pad(left bool) sqlFunc {
	return func(r *rt, a []goja.Value) goja.Value {
		if !argsN(a, 2) {
			return undef
		}
		s, ok := r.toStr(a[0])
		n, ok2 := toInt64(a[1], roundFloor)
		if !ok || !ok2 {
			return undef
		}
		p := strings.Repeat(" ", int(min(max(n, 0), 1000)))
		if left {
			return r.vStr(p + s)
		}
		return r.vStr(s + p)
	}
}

// fnSubstring: 0-based, end exclusive, indices clamped to the string,
// start >= end gives "". AWS: iot-sql-functions.html#iot-func-substring.
func fnSubstring(r *rt, a []goja.Value) goja.Value {
	if len(a) != 2 && len(a) != 3 {
		return undef
	}
	s, ok := r.toStr(a[0])
	if !ok {
		return undef
	}
	u := utf16.Encode([]rune(s))
	n := int64(len(u))
	start, ok := toInt64(a[1], roundFloor)
	if !ok {
		return undef
	}
	end := n
	if len(a) == 3 {
		if end, ok = toInt64(a[2], roundFloor); !ok {
			return undef
		}
	}
	start, end = min(max(start, 0), n), min(max(end, 0), n)
	if start >= end {
		return r.vStr("")
	}
	return r.vStr(string(utf16.Decode(u[start:end])))
}

// fnIndexOf returns the first 0-based index of sub, or -1 (not-found value
// UNCONFIRMED). AWS: iot-sql-functions.html#iot-func-indexof.
func fnIndexOf(r *rt, a []goja.Value) goja.Value {
	s, ok := r.strArgs(a)
	if !ok || len(s) != 2 {
		return undef
	}
	i := strings.Index(s[0], s[1])
	if i < 0 {
		return r.vInt64(-1)
	}
	return r.vInt64(int64(len(utf16.Encode([]rune(s[0][:i])))))
}

func fnReplace(r *rt, a []goja.Value) goja.Value {
	s, ok := r.strArgs(a)
	if !ok || len(s) != 3 {
		return undef
	}
	if d := len(s[2]) - len(s[1]); d > 0 {
		if n := strings.Count(s[0], s[1]); n > 0 && len(s[0])+n*d > MaxValueBytes {
			r.fail(ErrTooLarge)
		}
	}
	return r.vStr(strings.ReplaceAll(s[0], s[1], s[2]))
}

// Regular expressions use Go's RE2 syntax; the AWS engine is Java-based, so
// backreferences and lookaround are not available (docs/compatibility.md "Rules engine").
func fnRegexpMatches(r *rt, s, re string) goja.Value {
	rx, err := regexp.Compile(re)
	if err != nil {
		return undef
	}
	return r.vBool(rx.MatchString(s))
}

func fnRegexpSubstr(r *rt, s, re string) goja.Value {
	rx, err := regexp.Compile(re)
	if err != nil {
		return undef
	}
	return r.vStr(rx.FindString(s))
}

// fnRegexpReplace replaces every match; `$1` in the replacement refers to a
// capture group as in Java.
func fnRegexpReplace(r *rt, a []goja.Value) goja.Value {
	s, ok := r.strArgs(a)
	if !ok || len(s) != 3 {
		return undef
	}
	rx, err := regexp.Compile(s[1])
	if err != nil {
		return undef
	}
	if n := len(rx.FindAllStringIndex(s[0], -1)); len(s[0])+n*len(s[2]) > MaxValueBytes {
		r.fail(ErrTooLarge) // a bound: $n references may grow it more, charged after
	}
	return r.vStr(rx.ReplaceAllString(s[0], javaReplacement(s[2])))
}

// javaReplacement converts Java replacement syntax ($1, \$) to Go's (${1}, $$).
func javaReplacement(rep string) string {
	var b strings.Builder
	for i := 0; i < len(rep); i++ {
		c := rep[i]
		switch {
		case c == '\\' && i+1 < len(rep):
			i++
			if rep[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(rep[i])
			}
		case c == '$':
			j := i + 1
			for j < len(rep) && rep[j] >= '0' && rep[j] <= '9' {
				j++
			}
			if j == i+1 {
				b.WriteString("$$")
				continue
			}
			b.WriteString("${" + rep[i+1:j] + "}")
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// fnChr returns the character for an Int code (Decimal/String rounded down).
func fnChr(r *rt, a []goja.Value) goja.Value {
	if !argsN(a, 1) {
		return undef
	}
	n, ok := toInt64(a[0], roundFloor)
	if !ok || n < 0 || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) {
		return undef
	}
	return r.vStr(string(rune(n)))
}
