package eval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	"github.com/dop251/goja"
)

// errNotJSON reports a payload that is not one JSON document.
var errNotJSON = errors.New("payload is not JSON")

// parseJSON converts JSON text to runtime values, keeping key order and the
// Int/Decimal distinction of the number text.
func (r *rt) parseJSON(data []byte) (goja.Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := r.decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errNotJSON
	}
	return v, nil
}

func (r *rt) decodeValue(dec *json.Decoder, depth int) (goja.Value, error) {
	if depth > maxMarshalDepth {
		return nil, fmt.Errorf("decode json: %w", errNotJSON)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("decode json: %w", errNotJSON)
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return r.decodeObject(dec, depth)
		}
		if t == '[' {
			return r.decodeArray(dec, depth)
		}
		return nil, errNotJSON
	case string:
		return r.vStr(t), nil
	case json.Number:
		return r.number(string(t)), nil
	case bool:
		return r.vBool(t), nil
	case nil:
		return null, nil
	}
	return nil, errNotJSON
}

func (r *rt) decodeObject(dec *json.Decoder, depth int) (goja.Value, error) {
	o := r.newObj()
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, errNotJSON
		}
		k, _ := kt.(string)
		v, err := r.decodeValue(dec, depth+1)
		if err != nil {
			return nil, err
		}
		_ = o.Set(keyPrefix+k, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, errNotJSON
	}
	return o, nil
}

func (r *rt) decodeArray(dec *json.Decoder, depth int) (goja.Value, error) {
	var items []goja.Value
	for dec.More() {
		v, err := r.decodeValue(dec, depth+1)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, errNotJSON
	}
	return r.vArr(items), nil
}

// number converts JSON or SQL number text. Integer text is an Int; other
// text is a Decimal, except that 2016-03-23 processes whole decimals such as
// 10.0 as Int.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-sql-function-cast (Cast to decimal)
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
	if _, exp, found := strings.Cut(strings.ToLower(text), "e"); found {
		if n, err := strconv.Atoi(exp); err != nil || n > 40 || n < -400 {
			return nil, false
		}
	}
	rat, ok := new(big.Rat).SetString(text)
	if !ok || !rat.IsInt() || len(rat.Num().String()) > 40 {
		return nil, false
	}
	return rat.Num(), true
}
