package query

// parseField parses what follows a field name: `:value`, `:(group)`,
// `:[lo TO hi]`, `:>v` or `>v` (whitespace allowed around the operator:
// `connectivity.timestamp > 1557651600000`).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/example-queries.html#example-queries
func (p *parser) parseField() (Node, error) {
	ft := p.advance()
	if p.field != "" {
		return nil, &SyntaxError{Pos: ft.pos, Msg: "field inside a field group"}
	}
	if ft.pat.quoted || ft.pat.HasWildcard() || len(ft.pat.runes) == 0 {
		return nil, &SyntaxError{Pos: ft.pos, Msg: "invalid field name"}
	}
	// An escaped rune is part of the name (`shadow.name.a\:b.reported.x`).
	field := ft.pat.Text()
	if p.peek().kind == tColon {
		p.advance()
	}
	t := p.peek()
	switch t.kind {
	case tCmp:
		p.advance()
		return p.parseCompare(field, t)
	case tLBracket, tLBrace:
		return p.parseRange(field)
	case tLParen:
		p.advance()
		p.field = field
		n, err := p.parseOr()
		p.field = ""
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tRParen); err != nil {
			return nil, err
		}
		return n, nil
	case tWord:
		p.advance()
		return p.valueTerm(field, t.pat), nil
	}
	return nil, &SyntaxError{Pos: t.pos, Msg: "missing value for field " + field}
}

func (p *parser) parseCompare(field string, op token) (Node, error) {
	v, err := p.expect(tWord)
	if err != nil {
		return nil, err
	}
	if v.pat.HasWildcard() {
		return nil, &SyntaxError{Pos: v.pos, Msg: "wildcard in a comparison"}
	}
	return &Compare{Field: field, Op: op.op, Value: v.pat}, nil
}

// parseRange parses `[lo TO hi]`, `{lo TO hi}` and the mixed forms
// (`{75 TO 80]`); quoted bounds are string ranges (`["abcd" TO "abcf"]`).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/example-queries.html#example-queries
func (p *parser) parseRange(field string) (Node, error) {
	open := p.advance()
	r := &Range{Field: field, LoIncl: open.kind == tLBracket}
	var err error
	if r.Lo, err = p.parseBound(); err != nil {
		return nil, err
	}
	to := p.advance()
	if to.kind != tWord || to.plain != "TO" {
		return nil, &SyntaxError{Pos: to.pos, Msg: "expected TO in range"}
	}
	if r.Hi, err = p.parseBound(); err != nil {
		return nil, err
	}
	closer := p.advance()
	switch closer.kind {
	case tRBracket:
		r.HiIncl = true
	case tRBrace:
	default:
		return nil, &SyntaxError{Pos: closer.pos, Msg: "expected ']' or '}' to close range"}
	}
	return r, nil
}

func (p *parser) parseBound() (Bound, error) {
	t, err := p.expect(tWord)
	if err != nil {
		return Bound{}, err
	}
	if !t.pat.quoted && t.pat.MatchAll() {
		return Bound{Open: true}, nil
	}
	if t.pat.HasWildcard() {
		return Bound{}, &SyntaxError{Pos: t.pos, Msg: "wildcard in a range bound"}
	}
	return Bound{Value: t.pat}, nil
}
