package sql

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// lexer turns SQL text into tokens. Comments are not recognised: AWS IoT SQL
// does not support them (AWS: iot-sql-reference.html note).
type lexer struct {
	src  string
	off  int
	line int
	col  int
}

func newLexer(src string) *lexer { return &lexer{src: src, line: 1, col: 1} }

func (l *lexer) pos() Pos { return Pos{Offset: l.off, Line: l.line, Col: l.col} }

func (l *lexer) peekByte(ahead int) byte {
	if l.off+ahead < len(l.src) {
		return l.src[l.off+ahead]
	}
	return 0
}

// advance consumes one rune and updates line and column.
func (l *lexer) advance() rune {
	r, size := utf8.DecodeRuneInString(l.src[l.off:])
	l.off += size
	if r == '\n' {
		l.line++
		l.col = 1
	} else {
		l.col++
	}
	return r
}

func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		switch l.src[l.off] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			l.advance()
		default:
			return
		}
	}
}

var punct = map[byte]TokenKind{
	'(': TokLParen, ')': TokRParen, '[': TokLBracket, ']': TokRBracket,
	'{': TokLBrace, '}': TokRBrace, ',': TokComma, '.': TokDot, ':': TokColon,
	'*': TokStar, '+': TokPlus, '-': TokMinus, '/': TokSlash, '%': TokPercent, '=': TokEq,
}

func (l *lexer) next() (Token, error) {
	l.skipSpace()
	p := l.pos()
	if l.off >= len(l.src) {
		return Token{Kind: TokEOF, Pos: p}, nil
	}
	c := l.src[l.off]
	switch {
	case isIdentStart(c):
		return Token{Kind: TokIdent, Text: l.word(), Pos: p}, nil
	case c >= '0' && c <= '9':
		return l.number(p)
	case c == '\'' || c == '"':
		return l.str(p, c)
	case c == '@':
		l.advance()
		if !isIdentStart(l.peekByte(0)) {
			return Token{}, errorf(p, "expected a variable name after '@'")
		}
		return Token{Kind: TokVar, Text: l.word(), Pos: p}, nil
	case c == '<':
		return l.cmp(p, TokLt, map[byte]TokenKind{'=': TokLte, '>': TokNeq}), nil
	case c == '>':
		return l.cmp(p, TokGt, map[byte]TokenKind{'=': TokGte}), nil
	}
	if k, ok := punct[c]; ok {
		l.advance()
		return Token{Kind: k, Text: string(c), Pos: p}, nil
	}
	r := l.advance()
	return Token{}, errorf(p, "unexpected character %q", r)
}

func (l *lexer) cmp(p Pos, single TokenKind, pairs map[byte]TokenKind) Token {
	l.advance()
	if k, ok := pairs[l.peekByte(0)]; ok {
		l.advance()
		return Token{Kind: k, Pos: p}
	}
	return Token{Kind: single, Pos: p}
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentPart(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

func (l *lexer) word() string {
	start := l.off
	for l.off < len(l.src) && isIdentPart(l.src[l.off]) {
		l.advance()
	}
	return l.src[start:l.off]
}

func (l *lexer) digits() int {
	n := 0
	for l.off < len(l.src) && l.src[l.off] >= '0' && l.src[l.off] <= '9' {
		l.advance()
		n++
	}
	return n
}

// number lexes integers, decimals and exponent forms such as 1E3 and
// -2.411E247 (the sign is a unary operator).
// AWS: iot-sql-literals.html, iot-sql-functions.html#iot-func-substring.
func (l *lexer) number(p Pos) (Token, error) {
	start := l.off
	l.digits()
	if l.peekByte(0) == '.' && l.peekByte(1) >= '0' && l.peekByte(1) <= '9' {
		l.advance()
		l.digits()
	}
	if c := l.peekByte(0); c == 'e' || c == 'E' {
		save := *l
		l.advance()
		if s := l.peekByte(0); s == '+' || s == '-' {
			l.advance()
		}
		if l.digits() == 0 {
			*l = save
		}
	}
	if isIdentStart(l.peekByte(0)) {
		return Token{}, errorf(l.pos(), "unexpected character %q after number", l.peekByte(0))
	}
	return Token{Kind: TokNumber, Text: l.src[start:l.off], Pos: p}, nil
}

// str lexes a single- or double-quoted string literal. A doubled quote and
// backslash escapes (JSON style) are accepted; AWS does not document string
// escaping (UNCONFIRMED, docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-literals.html#iot-sql-literals
func (l *lexer) str(p Pos, q byte) (Token, error) {
	l.advance()
	var b strings.Builder
	for {
		if l.off >= len(l.src) {
			return Token{}, errorf(p, "unterminated string literal")
		}
		c := l.src[l.off]
		switch {
		case c == q && l.peekByte(1) == q:
			l.advance()
			l.advance()
			b.WriteByte(q)
		case c == q:
			l.advance()
			return Token{Kind: TokString, Text: b.String(), Pos: p, Quote: q}, nil
		case c == '\\':
			if err := l.escape(&b); err != nil {
				return Token{}, err
			}
		default:
			b.WriteRune(l.advance())
		}
	}
}

var simpleEscapes = map[byte]byte{
	'\\': '\\', '\'': '\'', '"': '"', '/': '/', 'n': '\n', 't': '\t', 'r': '\r', 'b': '\b', 'f': '\f',
}

func (l *lexer) escape(b *strings.Builder) error {
	p := l.pos()
	l.advance()
	c := l.peekByte(0)
	if r, ok := simpleEscapes[c]; ok {
		l.advance()
		b.WriteByte(r)
		return nil
	}
	if c == 'u' && l.off+5 <= len(l.src) {
		n, err := strconv.ParseUint(l.src[l.off+1:l.off+5], 16, 32)
		if err == nil {
			for range 5 {
				l.advance()
			}
			b.WriteRune(rune(n))
			return nil
		}
	}
	return errorf(p, "invalid escape sequence in string literal")
}
