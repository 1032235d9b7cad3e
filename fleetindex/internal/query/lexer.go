package query

import (
	"strings"
	"unicode"
)

// kind is a token kind of the query language.
type kind int

const (
	tEOF kind = iota
	tWord
	tLParen
	tRParen
	tLBracket
	tRBracket
	tLBrace
	tRBrace
	tColon
	tCmp
	tAnd
	tOr
	tNot
	tMinus
	tPlus
)

var kindNames = map[kind]string{
	tEOF: "end of query", tWord: "term", tLParen: "'('", tRParen: "')'",
	tLBracket: "'['", tRBracket: "']'", tLBrace: "'{'", tRBrace: "'}'",
	tColon: "':'", tCmp: "comparison", tAnd: "AND", tOr: "OR", tNot: "NOT",
	tMinus: "'-'", tPlus: "'+'",
}

// token is one lexeme: its kind, position, the comparison operator of a
// tCmp, and the pattern of a tWord.
type token struct {
	kind kind
	pos  int
	op   string
	pat  Pattern
	// plain is the word as typed when it had no escapes and no quotes,
	// so the parser can recognise field names and the TO keyword.
	plain string
}

// unsupported are the special characters AWS rejects unless escaped.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#unsupported-query-syntax
const unsupported = "`@#%/';,"

// syntax characters end a word unless escaped.
const syntax = "()[]{}:<>\""

// lex splits the query into tokens. Whitespace is Java's
// Character.isWhitespace, approximated by unicode.IsSpace.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#query-syntax-limitations
func lex(q string) ([]token, error) {
	l := &lexer{src: []rune(q)}
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		l.out = append(l.out, t)
		if t.kind == tEOF {
			return l.out, nil
		}
	}
}

type lexer struct {
	src []rune
	i   int
	out []token
}

func (l *lexer) prev() kind {
	if len(l.out) == 0 {
		return tEOF
	}
	return l.out[len(l.out)-1].kind
}

func (l *lexer) next() (token, error) {
	for l.i < len(l.src) && unicode.IsSpace(l.src[l.i]) {
		l.i++
	}
	if l.i >= len(l.src) {
		return token{kind: tEOF, pos: l.i}, nil
	}
	start, c := l.i, l.src[l.i]
	if k, ok := singles[c]; ok {
		l.i++
		return token{kind: k, pos: start}, nil
	}
	switch c {
	case '<', '>':
		l.i++
		op := string(c)
		if l.i < len(l.src) && l.src[l.i] == '=' {
			l.i++
			op += "="
		}
		return token{kind: tCmp, pos: start, op: op}, nil
	case '"':
		return l.quoted()
	case '-', '+':
		if l.signIsOperator() {
			l.i++
			if c == '-' {
				return token{kind: tMinus, pos: start}, nil
			}
			return token{kind: tPlus, pos: start}, nil
		}
	}
	return l.word()
}

var singles = map[rune]kind{
	'(': tLParen, ')': tRParen, '[': tLBracket, ']': tRBracket,
	'{': tLBrace, '}': tRBrace, ':': tColon,
}

// signIsOperator tells a prohibit/require operator (`-plasma`) from the
// sign of a number given as a value (`attributes.x:-5`, `[-10 TO 0]`).
func (l *lexer) signIsOperator() bool {
	nextIsDigit := l.i+1 < len(l.src) && unicode.IsDigit(l.src[l.i+1])
	switch l.prev() {
	case tColon, tCmp, tLBracket, tLBrace:
		return !nextIsDigit
	case tWord:
		if l.out[len(l.out)-1].plain == "TO" {
			return !nextIsDigit
		}
	}
	return true
}

func (l *lexer) quoted() (token, error) {
	start := l.i
	l.i++
	var p Pattern
	p.quoted = true
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch c {
		case '"':
			l.i++
			return token{kind: tWord, pos: start, pat: p}, nil
		case '\\':
			if l.i+1 >= len(l.src) {
				return token{}, &SyntaxError{Pos: l.i, Msg: "dangling escape character"}
			}
			l.i++
			c = l.src[l.i]
		}
		p.runes = append(p.runes, prune{r: c})
		l.i++
	}
	return token{}, &SyntaxError{Pos: start, Msg: "unterminated quoted phrase"}
}

func (l *lexer) word() (token, error) {
	start := l.i
	var p Pattern
	escaped := false
	for l.i < len(l.src) {
		c := l.src[l.i]
		if unicode.IsSpace(c) || strings.ContainsRune(syntax, c) {
			break
		}
		switch {
		case c == '\\':
			if l.i+1 >= len(l.src) {
				return token{}, &SyntaxError{Pos: l.i, Msg: "dangling escape character"}
			}
			l.i++
			escaped = true
			p.runes = append(p.runes, prune{r: l.src[l.i]})
		case c == '*' || c == '?':
			p.runes = append(p.runes, prune{r: c, wild: wildcard(c)})
		case strings.ContainsRune(unsupported, c):
			return token{}, &SyntaxError{Pos: l.i, Msg: "unsupported character '" + string(c) + "'"}
		default:
			p.runes = append(p.runes, prune{r: c})
		}
		l.i++
	}
	t := token{kind: tWord, pos: start, pat: p}
	if !escaped {
		t.plain = string(l.src[start:l.i])
		switch t.plain {
		case "AND":
			t.kind = tAnd
		case "OR":
			t.kind = tOr
		case "NOT":
			t.kind = tNot
		}
	}
	return t, nil
}
