package query

import "fmt"

// MaxTerms is the most terms one query may hold: "The maximum number of
// terms in a query is twelve."
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#query-syntax-limitations
const MaxTerms = 12

// MaxLeadingWildcardLength is the longest query that may use a leading
// wildcard, and only one term may use one.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#supported-query-syntax
const MaxLeadingWildcardLength = 100

// Parse parses a query string. Errors are *SyntaxError or *LimitError.
func Parse(q string) (Node, error) {
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if p.peek().kind == tEOF {
		return nil, &SyntaxError{Pos: 0, Msg: "empty query"}
	}
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.unexpected(t)
	}
	if err := checkLimits(n, len([]rune(q))); err != nil {
		return nil, err
	}
	return n, nil
}

type parser struct {
	toks []token
	i    int
	// field is set inside a field group `field:( ... )`, where bare
	// values bind to it.
	field string
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) advance() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) unexpected(t token) error {
	return &SyntaxError{Pos: t.pos, Msg: "unexpected " + kindNames[t.kind]}
}

func (p *parser) expect(k kind) (token, error) {
	t := p.advance()
	if t.kind != k {
		return t, &SyntaxError{Pos: t.pos, Msg: fmt.Sprintf("expected %s, found %s", kindNames[k], kindNames[t.kind])}
	}
	return t, nil
}

func (p *parser) parseOr() (Node, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	children := []Node{left}
	for p.peek().kind == tOr {
		p.advance()
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		children = append(children, right)
	}
	if len(children) == 1 {
		return left, nil
	}
	return &Or{Children: children}, nil
}

// parseAnd joins unary expressions with AND, explicit or implied: "The
// default operator is AND." `a NOT b` therefore reads as `a AND NOT b`.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#query-syntax-limitations
func (p *parser) parseAnd() (Node, error) {
	left, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	children := []Node{left}
	for {
		switch p.peek().kind {
		case tAnd:
			p.advance()
		case tWord, tLParen, tNot, tMinus, tPlus, tLBracket, tLBrace:
		default:
			if len(children) == 1 {
				return left, nil
			}
			return &And{Children: children}, nil
		}
		right, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		children = append(children, right)
	}
}

func (p *parser) parseUnary() (Node, error) {
	switch p.peek().kind {
	case tNot, tMinus:
		p.advance()
		child, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &Not{Child: child}, nil
	case tPlus:
		p.advance()
		return p.parseUnary()
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() (Node, error) {
	t := p.peek()
	switch t.kind {
	case tLParen:
		p.advance()
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tRParen); err != nil {
			return nil, err
		}
		return n, nil
	case tLBracket, tLBrace:
		if p.field == "" {
			return nil, &SyntaxError{Pos: t.pos, Msg: "range without a field"}
		}
		return p.parseRange(p.field)
	case tWord:
		next := p.peekAt(1).kind
		if next == tColon || next == tCmp {
			return p.parseField()
		}
		p.advance()
		return p.valueTerm(p.field, t.pat), nil
	}
	return nil, p.unexpected(t)
}

// valueTerm is the term of one value; without a field, a lone * is the
// match-everything query.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#unsupported-query-syntax
func (p *parser) valueTerm(field string, v Pattern) Node {
	if field == "" && !v.quoted && v.MatchAll() {
		return All{}
	}
	return &Term{Field: field, Value: v}
}
