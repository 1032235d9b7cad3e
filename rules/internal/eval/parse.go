package eval

import (
	"encoding/json"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dop251/goja"
)

// errNotJSON reports a payload that is not one JSON document.
var errNotJSON = errors.New("payload is not JSON")

// parseJSON converts JSON text to runtime values, keeping key order and the
// Int/Decimal distinction of the number text.
func (r *rt) parseJSON(data []byte) (goja.Value, error) {
	if !json.Valid(data) {
		return nil, errNotJSON
	}
	p := jsonParser{r: r, data: data}
	p.ws()
	return p.value(0)
}

// parseFields converts only the members named in fields of a JSON object,
// into dst at their indices; the others are skipped, not built. dst stays
// Undefined for absent members and for a payload that is not a JSON object
// (reading a member of anything else is Undefined).
func (r *rt) parseFields(data []byte, fields map[string]int, dst []goja.Value) error {
	for i := range dst {
		dst[i] = undef
	}
	if !json.Valid(data) {
		return errNotJSON
	}
	p := jsonParser{r: r, data: data}
	p.ws()
	if p.data[p.i] != '{' {
		return nil
	}
	p.i++
	for {
		p.ws()
		if p.data[p.i] == '}' {
			return nil
		}
		raw, plain := p.rawStr()
		p.ws()
		p.i++ // ':'
		p.ws()
		var idx int
		var ok bool
		if plain {
			idx, ok = fields[string(raw)]
		} else {
			idx, ok = fields[unquote(raw)]
		}
		if ok {
			v, err := p.value(1)
			if err != nil {
				return err
			}
			dst[idx] = v
		} else {
			p.skip()
		}
		p.ws()
		if p.data[p.i] == ',' {
			p.i++
		}
	}
}

// jsonParser walks a document that json.Valid accepted, so it checks no
// syntax, only depth.
type jsonParser struct {
	r    *rt
	data []byte
	i    int
}

func (p *jsonParser) ws() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (goja.Value, error) {
	if depth > maxMarshalDepth {
		return nil, errNotJSON
	}
	switch c := p.data[p.i]; c {
	case '{':
		return p.object(depth)
	case '[':
		return p.array(depth)
	case '"':
		return p.r.vm.ToValue(p.str()), nil // the payload's own, not charged
	case 't':
		p.i += 4
		return p.r.vBool(true), nil
	case 'f':
		p.i += 5
		return p.r.vBool(false), nil
	case 'n':
		p.i += 4
		return null, nil
	}
	s := p.i
	for p.i < len(p.data) && strings.IndexByte("+-.eE0123456789", p.data[p.i]) >= 0 {
		p.i++
	}
	return p.r.numberBytes(p.data[s:p.i]), nil
}

// object converts an object.
func (p *jsonParser) object(depth int) (goja.Value, error) {
	o := p.r.newObj()
	p.i++
	p.ws()
	if p.data[p.i] == '}' {
		p.i++
		return o, nil
	}
	for {
		p.ws()
		raw, plain := p.rawStr()
		p.ws()
		p.i++ // ':'
		p.ws()
		var key string
		if plain {
			key = keyPrefix + string(raw)
		} else {
			key = keyPrefix + unquote(raw)
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		_ = o.Set(key, v)
		p.ws()
		c := p.data[p.i]
		p.i++
		if c == '}' {
			return o, nil
		}
	}
}

func (p *jsonParser) array(depth int) (goja.Value, error) {
	var items []goja.Value
	p.i++
	p.ws()
	if p.data[p.i] == ']' {
		p.i++
		return p.r.vArr(nil), nil
	}
	for {
		p.ws()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		p.ws()
		c := p.data[p.i]
		p.i++
		if c == ']' {
			return p.r.vArr(items), nil
		}
	}
}

// rawStr returns the bytes of a string token without its quotes; plain is
// false when they need decoding (escapes, non-UTF-8 bytes).
func (p *jsonParser) rawStr() (raw []byte, plain bool) {
	p.i++ // the opening quote
	s := p.i
	plain = true
	for p.data[p.i] != '"' {
		if p.data[p.i] == '\\' {
			plain = false
			p.i++
		}
		p.i++
	}
	raw = p.data[s:p.i]
	p.i++
	return raw, plain && utf8.Valid(raw)
}

// str returns a string token's value.
func (p *jsonParser) str() string {
	raw, plain := p.rawStr()
	if plain {
		return string(raw)
	}
	return unquote(raw)
}

// unquote decodes the inside of a string token as encoding/json does:
// escapes, surrogate pairs, invalid UTF-8 replaced by U+FFFD.
func unquote(raw []byte) string {
	tok := make([]byte, 0, len(raw)+2)
	tok = append(append(append(tok, '"'), raw...), '"')
	var s string
	_ = json.Unmarshal(tok, &s)
	return s
}

// skip passes over one value.
func (p *jsonParser) skip() {
	switch p.data[p.i] {
	case '"':
		p.rawStr()
		return
	case '{', '[':
		depth := 0
		for {
			switch p.data[p.i] {
			case '"':
				p.rawStr()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			p.i++
			if depth == 0 {
				return
			}
		}
	}
	for p.i < len(p.data) && strings.IndexByte(",}] \t\n\r", p.data[p.i]) < 0 {
		p.i++
	}
}

// numberBytes converts number text, with a fast path for small integers.
func (r *rt) numberBytes(b []byte) goja.Value {
	if len(b) > 0 && len(b) < 19 {
		var n int64
		neg, digits := b[0] == '-', b
		if neg {
			digits = b[1:]
		}
		ok := len(digits) > 0
		for _, c := range digits {
			if c < '0' || c > '9' {
				ok = false
				break
			}
			n = n*10 + int64(c-'0')
		}
		if ok {
			if neg {
				n = -n
			}
			return r.vInt64(n)
		}
	}
	return r.number(string(b))
}

// number converts JSON or SQL number text. Integer text is an Int; other
// text is a Decimal, except that 2016-03-23 processes whole decimals such as
// 10.0 as Int.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-sql-function-cast (Cast to decimal).
func (r *rt) number(text string) goja.Value {
	if i, ok := intText(text, r.version.Modern()); ok {
		return r.vInt(i)
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		return undef
	}
	return r.vm.ToValue(f)
}

// intText returns the Int value of number text when it is an Int.
func intText(text string, modern bool) (*big.Int, bool) {
	if !strings.ContainsAny(text, ".eE") {
		i, ok := new(big.Int).SetString(text, 10)
		return i, ok
	}
	if !modern {
		return nil, false
	}
	exp := strings.IndexAny(text, "eE")
	if exp < 0 {
		// Plain decimal: whole only when every fraction digit is 0.
		_, frac, _ := strings.Cut(text, ".")
		if strings.Trim(frac, "0") != "" {
			return nil, false
		}
	} else if n, err := strconv.Atoi(text[exp+1:]); err != nil || n > 40 || n < -400 {
		return nil, false
	}
	rat, ok := new(big.Rat).SetString(text)
	if !ok || !rat.IsInt() || len(rat.Num().String()) > 40 {
		return nil, false
	}
	return rat.Num(), true
}
