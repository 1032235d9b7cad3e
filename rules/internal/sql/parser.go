package sql

import (
	"errors"
	"strings"
)

// Options controls parsing.
type Options struct {
	// Version is the SQL version; "" means DefaultVersion.
	Version Version
	// AllowUnquotedFrom accepts `FROM a/b` as well as `FROM 'a/b'`.
	AllowUnquotedFrom bool
}

type parser struct {
	lex  *lexer
	buf  []Token // lookahead
	src  string
	opts Options
	// depth bounds recursion so hostile input cannot exhaust the stack.
	depth int
}

const maxDepth = 200

// reserved words cannot be used as field names.
var reserved = map[string]bool{
	"select": true, "from": true, "where": true, "and": true, "or": true, "not": true,
	"in": true, "case": true, "when": true, "then": true, "else": true, "end": true,
	"as": true, "null": true, "true": true, "false": true, "set": true,
}

// Parse parses a rule statement.
func Parse(src string, opts Options) (st *Statement, err error) {
	p, err := newParser(src, opts)
	if err != nil {
		return nil, err
	}
	defer p.recoverLexError(&err)
	return p.statement()
}

// lexPanic carries a lexer error out of peek; Parse and ParseExpr recover it.
type lexPanic struct{ err *Error }

func (p *parser) recoverLexError(err *error) {
	if r := recover(); r != nil {
		lp, ok := r.(lexPanic)
		if !ok {
			panic(r)
		}
		*err = lp.err
	}
}

// ParseExpr parses a single expression, as used inside a substitution
// template `${...}`.
func ParseExpr(src string, opts Options) (e Expr, err error) {
	p, err := newParser(src, opts)
	if err != nil {
		return nil, err
	}
	defer p.recoverLexError(&err)
	e, err = p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.Kind != TokEOF {
		return nil, errorf(t.Pos, "unexpected %s after expression", t.describe())
	}
	return e, nil
}

func newParser(src string, opts Options) (*parser, error) {
	if opts.Version == "" {
		opts.Version = DefaultVersion
	}
	if _, ok := ParseVersion(string(opts.Version)); !ok {
		return nil, errorf(Pos{Line: 1, Col: 1}, "unknown SQL version %q", opts.Version)
	}
	return &parser{lex: newLexer(src), src: src, opts: opts}, nil
}

func (p *parser) peek() Token { return p.peekN(0) }

// peekN returns the token n positions ahead, lexing on demand.
func (p *parser) peekN(n int) Token {
	for len(p.buf) <= n {
		if k := len(p.buf); k > 0 && p.buf[k-1].Kind == TokEOF {
			return p.buf[k-1]
		}
		t, err := p.lex.next()
		if err != nil {
			var le *Error
			_ = errors.As(err, &le) // the lexer returns only *Error
			panic(lexPanic{le})
		}
		p.buf = append(p.buf, t)
	}
	return p.buf[n]
}

func (p *parser) next() Token {
	t := p.peek()
	if t.Kind != TokEOF {
		p.buf = p.buf[1:]
	}
	return t
}

// isKw reports whether t is the keyword kw (case-insensitive).
// AWS: keywords appear as SELECT/select/as/AS in the examples:
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-func-transform-example3.
func isKw(t Token, kw string) bool { return t.Kind == TokIdent && strings.EqualFold(t.Text, kw) }

func (p *parser) acceptKw(kw string) bool {
	if isKw(p.peek(), kw) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectKw(kw string) (Token, error) {
	t := p.peek()
	if !isKw(t, kw) {
		return t, errorf(t.Pos, "expected %s but found %s", strings.ToUpper(kw), t.describe())
	}
	return p.next(), nil
}

func (p *parser) expect(k TokenKind) (Token, error) {
	t := p.peek()
	if t.Kind != k {
		return t, errorf(t.Pos, "expected %s but found %s", k, t.describe())
	}
	return p.next(), nil
}

func (p *parser) statement() (*Statement, error) {
	st := &Statement{Version: p.opts.Version}
	if p.acceptKw("set") {
		items, err := p.setClause()
		if err != nil {
			return nil, err
		}
		st.Set = items
	}
	sel, err := p.selectClause()
	if err != nil {
		return nil, err
	}
	st.Select = sel
	if t := p.peek(); isKw(t, "from") {
		p.next()
		if err := p.topicFrom(st); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("where") {
		if st.Where, err = p.expr(); err != nil {
			return nil, err
		}
	}
	if t := p.peek(); t.Kind != TokEOF {
		return nil, errorf(t.Pos, "unexpected %s", t.describe())
	}
	return st, nil
}

// setClause parses `@a = expr, @b = expr`. AWS: iot-sql-set.html.
func (p *parser) setClause() ([]SetItem, error) {
	var items []SetItem
	for {
		t, err := p.expect(TokVar)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(TokEq); err != nil {
			return nil, err
		}
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		items = append(items, SetItem{Name: t.Text, Expr: e, Pos: t.Pos})
		if p.peek().Kind != TokComma {
			return items, nil
		}
		p.next()
	}
}

// selectClause parses SELECT VALUE expr or SELECT item, item...
// AWS: iot-sql-select.html.
func (p *parser) selectClause() (*Select, error) {
	t, err := p.expectKw("select")
	if err != nil {
		return nil, err
	}
	sel := &Select{Pos: t.Pos}
	if p.isValueKeyword() {
		p.next()
		if sel.Value, err = p.expr(); err != nil {
			return nil, err
		}
		return sel, nil
	}
	for {
		item, err := p.selectItem()
		if err != nil {
			return nil, err
		}
		sel.Items = append(sel.Items, item)
		if p.peek().Kind != TokComma {
			return sel, nil
		}
		p.next()
	}
}

// isValueKeyword tells `SELECT VALUE x` from a field named value
// (`SELECT value FROM ...`, `SELECT value.x AS y`).
func (p *parser) isValueKeyword() bool {
	if !isKw(p.peek(), "value") {
		return false
	}
	n := p.peekN(1)
	switch n.Kind {
	case TokEOF, TokComma, TokDot, TokLBracket, TokEq, TokNeq, TokLt, TokLte, TokGt, TokGte,
		TokPlus, TokSlash, TokPercent, TokRParen:
		return false
	case TokIdent:
		return !(isKw(n, "from") || isKw(n, "as") || isKw(n, "where") || isKw(n, "and") ||
			isKw(n, "or") || isKw(n, "in"))
	}
	return true
}

func (p *parser) selectItem() (SelectItem, error) {
	start := p.peek()
	item := SelectItem{Pos: start.Pos}
	if start.Kind == TokStar {
		n := p.peekN(1)
		if n.Kind == TokComma || n.Kind == TokEOF || n.Kind == TokRParen || isKw(n, "from") ||
			isKw(n, "as") || isKw(n, "where") {
			p.next()
			item.Star = true
			item.Expr = &Star{P: start.Pos}
		}
	}
	if !item.Star {
		e, err := p.expr()
		if err != nil {
			return item, err
		}
		item.Expr = e
	}
	if p.acceptKw("as") {
		alias, err := p.alias()
		if err != nil {
			return item, err
		}
		item.Alias = alias
		item.Star = false
	}
	return item, nil
}

// alias parses a possibly dotted alias; `AS a.b` builds nested objects.
// AWS: validation-tool undefined-function-check-payload.json
// (docs/compatibility.md "Rules engine");
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-select.html#iot-sql-select
func (p *parser) alias() ([]string, error) {
	var parts []string
	for {
		t := p.peek()
		switch t.Kind {
		case TokIdent:
			p.next()
			parts = append(parts, t.Text)
		case TokString:
			p.next()
			parts = append(parts, t.Text)
		default:
			return nil, errorf(t.Pos, "expected an alias after AS but found %s", t.describe())
		}
		if p.peek().Kind != TokDot {
			return parts, nil
		}
		p.next()
	}
}
