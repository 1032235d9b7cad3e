package policy

import (
	"strings"
	"unicode/utf8"
)

// partKind is one element of a compiled pattern.
type partKind uint8

const (
	litPart   partKind = iota // literal text
	starPart                  // `*`: any sequence of characters, `/` included
	qmarkPart                 // `?`: any single character
	varPart                   // `${name}`: a policy variable, resolved per request
)

type part struct {
	kind partKind
	lit  string
	v    *variable
}

// shape is the fast path of a pattern without variables.
type shape uint8

const (
	shapeGlob   shape = iota // general wildcard match
	shapeExact               // no wildcard: string compare
	shapePrefix              // literal then one trailing `*`
	shapeAny                 // `*` alone
)

// pattern is a Resource, Action or condition value compiled once per
// policy version. AWS: iot-policy-variables.html — `*` and `?` are
// wildcards, `+` and `#` literal (https://docs.aws.amazon.com/iot/latest/developerguide/pub-sub-policy.html#pub-sub-policy).
type pattern struct {
	text  string // as written in the document
	parts []part
	// static: no variable; lit is then the value with `${*}`-style
	// specials replaced, and shape the fast path.
	static bool
	lit    string
	shape  shape
}

// compilePattern splits s into literals, wildcards and, when vars is true
// (Version 2012-10-17), policy variables. AWS: IAM
// reference_policies_variables.html#policy-vars-specialchars — `${*}`,
// `${?}`, `${$}` stand for the literal characters.
func compilePattern(s string, vars bool) pattern {
	p := pattern{text: s}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.parts = append(p.parts, part{kind: litPart, lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '*' || c == '?':
			flush()
			p.parts = append(p.parts, part{kind: wildKind(c)})
		case c == '$' && vars && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				lit.WriteByte(c)
				continue
			}
			name := s[i+2 : i+2+end]
			i += 2 + end
			if name == "*" || name == "?" || name == "$" {
				lit.WriteString(name)
				continue
			}
			flush()
			p.parts = append(p.parts, part{kind: varPart, v: parseVariable(name)})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	p.classify()
	return p
}

func wildKind(c byte) partKind {
	if c == '*' {
		return starPart
	}
	return qmarkPart
}

// classify sets static, lit and shape.
func (p *pattern) classify() {
	p.static = true
	var lit strings.Builder
	for _, pt := range p.parts {
		switch pt.kind {
		case varPart:
			p.static = false
		case starPart:
			lit.WriteByte('*')
		case qmarkPart:
			lit.WriteByte('?')
		default:
			lit.WriteString(pt.lit)
		}
	}
	p.lit = lit.String()
	n := len(p.parts)
	switch {
	case !p.static:
		p.shape = shapeGlob
	case n == 0 || (n == 1 && p.parts[0].kind == litPart):
		p.shape = shapeExact
	case n == 1 && p.parts[0].kind == starPart:
		p.shape = shapeAny
	case n == 2 && p.parts[0].kind == litPart && p.parts[1].kind == starPart:
		p.shape = shapePrefix
		p.lit = p.parts[0].lit
	default:
		p.shape = shapeGlob
	}
}

// match reports whether s matches the pattern with wildcards; ok is false
// when a variable has no value (the statement then does not match).
func (p *pattern) match(s string, e *env, fold bool) (matched, ok bool) {
	switch p.shape {
	case shapeAny:
		return true, true
	case shapeExact:
		return equal(s, p.lit, fold), true
	case shapePrefix:
		return len(s) >= len(p.lit) && equal(s[:len(p.lit)], p.lit, fold), true
	}
	if p.static {
		return glob(p.parts, s, fold), true
	}
	var buf [16]part
	parts, ok := e.resolveParts(p.parts, buf[:0])
	if !ok {
		return false, false
	}
	return glob(parts, s, fold), true
}

// value returns the pattern as a plain string (wildcards are literal, as
// for StringEquals), with its variables substituted.
func (p *pattern) value(e *env) (string, bool) {
	if p.static {
		return p.lit, true
	}
	var b strings.Builder
	for _, pt := range p.parts {
		switch pt.kind {
		case varPart:
			v, ok := e.resolve(pt.v)
			if !ok {
				return "", false
			}
			b.WriteString(v)
		case starPart:
			b.WriteByte('*')
		case qmarkPart:
			b.WriteByte('?')
		default:
			b.WriteString(pt.lit)
		}
	}
	return b.String(), true
}

func equal(a, b string, fold bool) bool {
	if fold {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// glob matches s against parts that hold no variable: literal chunks are
// compared in place, `*` backtracks one character at a time.
func glob(parts []part, s string, fold bool) bool {
	pi, si := 0, 0
	starPi, starSi := -1, 0
	for {
		if pi < len(parts) {
			pt := parts[pi]
			switch pt.kind {
			case starPart:
				starPi, starSi = pi, si
				pi++
				continue
			case qmarkPart:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					pi++
					continue
				}
			default:
				if len(s)-si >= len(pt.lit) && equal(s[si:si+len(pt.lit)], pt.lit, fold) {
					si += len(pt.lit)
					pi++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starPi < 0 || starSi >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starSi:])
		starSi += n
		pi, si = starPi+1, starSi
	}
}
