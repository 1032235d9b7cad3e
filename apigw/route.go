package apigw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// selector is a parsed route selection expression: literal text and
// $request.body.<path> variables, evaluated once (no recursion).
// AWS: apigateway-websocket-api-selection-expressions.html.
type selector struct {
	parts []selPart
}

type selPart struct {
	literal string
	path    []pathStep // nil for a literal
}

// pathStep is one JSONPath step: a member name or an array index.
type pathStep struct {
	name  string
	index int // used when name is ""
}

const bodyPrefix = "request.body"

// parseSelector parses expr: "$request.body.a.b", "${request.body.a}",
// several variables with static text between them, and \$ for a literal $.
func parseSelector(expr string) (*selector, error) {
	var s selector
	var lit strings.Builder
	for i := 0; i < len(expr); {
		switch {
		case strings.HasPrefix(expr[i:], `\$`):
			lit.WriteByte('$')
			i += 2
		case strings.HasPrefix(expr[i:], "${"):
			end := strings.IndexByte(expr[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("route selection expression %q: unclosed ${", expr)
			}
			path, err := parseBodyPath(expr[i+2 : i+end])
			if err != nil {
				return nil, fmt.Errorf("route selection expression %q: %w", expr, err)
			}
			s.flush(&lit)
			s.parts = append(s.parts, selPart{path: path})
			i += end + 1
		case expr[i] == '$':
			n := 1
			for i+n < len(expr) && isPathChar(expr[i+n]) {
				n++
			}
			path, err := parseBodyPath(expr[i+1 : i+n])
			if err != nil {
				return nil, fmt.Errorf("route selection expression %q: %w", expr, err)
			}
			s.flush(&lit)
			s.parts = append(s.parts, selPart{path: path})
			i += n
		default:
			lit.WriteByte(expr[i])
			i++
		}
	}
	s.flush(&lit)
	return &s, nil
}

func (s *selector) flush(lit *strings.Builder) {
	if lit.Len() > 0 {
		s.parts = append(s.parts, selPart{literal: lit.String()})
		lit.Reset()
	}
}

func isPathChar(b byte) bool {
	return b == '.' || b == '_' || b == '[' || b == ']' ||
		'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

// parseBodyPath parses "request.body.a.b[0]"; only request.body variables
// exist in WebSocket route selection. AWS: "the expression should be of the
// form $request.body.{path_to_body_element}".
func parseBodyPath(v string) ([]pathStep, error) {
	if !strings.HasPrefix(v, bodyPrefix+".") && !strings.HasPrefix(v, bodyPrefix+"[") {
		return nil, fmt.Errorf("variable $%s: only $request.body.<path> is supported", v)
	}
	rest := v[len(bodyPrefix):]
	var steps []pathStep
	for rest != "" {
		switch rest[0] {
		case '.':
			end := strings.IndexAny(rest[1:], ".[")
			if end < 0 {
				end = len(rest) - 1
			}
			if end == 0 {
				return nil, fmt.Errorf("variable $%s: empty member name", v)
			}
			steps = append(steps, pathStep{name: rest[1 : 1+end]})
			rest = rest[1+end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			n, err := strconv.Atoi(rest[1:max(end, 1)])
			if end < 0 || err != nil || n < 0 {
				return nil, fmt.Errorf("variable $%s: bad index", v)
			}
			steps = append(steps, pathStep{index: n})
			rest = rest[end+1:]
		default:
			return nil, fmt.Errorf("variable $%s: unexpected %q", v, rest[0])
		}
	}
	return steps, nil
}

// evaluate returns the route key a message selects and whether the
// message was JSON at all ("Non-JSON messages are directed to a $default
// route"). A missing path is "". AWS: apigateway-websocket-api-selection-expressions.html.
func (s *selector) evaluate(msg []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil || dec.More() {
		return "", false
	}
	var b strings.Builder
	for _, p := range s.parts {
		if p.path == nil {
			b.WriteString(p.literal)
			continue
		}
		if v, ok := lookup(doc, p.path); ok {
			b.WriteString(stringify(v))
		}
	}
	return b.String(), true
}

func lookup(v any, path []pathStep) (any, bool) {
	for _, st := range path {
		switch t := v.(type) {
		case map[string]any:
			e, ok := t[st.name]
			if st.name == "" || !ok {
				return nil, false
			}
			v = e
		case []any:
			if st.name != "" || st.index >= len(t) {
				return nil, false
			}
			v = t[st.index]
		default:
			return nil, false
		}
	}
	return v, true
}

// stringify renders a selected value: strings as they are, numbers and
// booleans as their JSON text, null as "", arrays as "[item1, item2]" (the
// documented form) and objects as compact JSON (unconfirmed).
func stringify(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return ""
	case []any:
		items := make([]string, len(t))
		for i, e := range t {
			items[i] = stringify(e)
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	b, _ := json.Marshal(v) // decoded JSON re-encodes
	return string(b)
}
