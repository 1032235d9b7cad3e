package sql

import "strings"

func (p *parser) primary() (Expr, error) {
	t := p.peek()
	switch t.Kind {
	case TokNumber:
		p.next()
		return &Literal{Kind: LitNumber, Text: t.Text, P: t.Pos}, nil
	case TokString:
		p.next()
		return &Literal{Kind: LitString, Text: t.Text, P: t.Pos}, nil
	case TokVar:
		p.next()
		return &Var{Name: t.Text, P: t.Pos}, nil
	case TokStar:
		p.next()
		return &Star{P: t.Pos}, nil
	case TokLParen:
		return p.paren()
	case TokLBrace:
		return p.objectLit()
	case TokLBracket:
		return p.arrayLit()
	case TokIdent:
		return p.identPrimary()
	}
	return nil, errorf(t.Pos, "expected an expression but found %s", t.describe())
}

func (p *parser) identPrimary() (Expr, error) {
	t := p.peek()
	lower := strings.ToLower(t.Text)
	switch lower {
	case "true", "false":
		p.next()
		return &Literal{Kind: LitBool, Text: lower, P: t.Pos}, nil
	case "null":
		p.next()
		return &Literal{Kind: LitNull, Text: "null", P: t.Pos}, nil
	case "case":
		return p.caseExpr()
	case "select":
		// A nested query without parentheses, e.g. isNull(SELECT VALUE x FROM e).
		// AWS: validation-tool filter-out-from-input-payload.json.
		return p.subquery(t.Pos)
	}
	if p.peekN(1).Kind == TokLParen {
		return p.call()
	}
	if reserved[lower] {
		return nil, errorf(t.Pos, "unexpected keyword %s", strings.ToUpper(t.Text))
	}
	p.next()
	return &Field{Name: t.Text, P: t.Pos}, nil
}

func (p *parser) paren() (Expr, error) {
	open := p.next()
	if isKw(p.peek(), "select") {
		sq, err := p.subquery(open.Pos)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(TokRParen); err != nil {
			return nil, err
		}
		return sq, nil
	}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(TokRParen); err != nil {
		return nil, err
	}
	return e, nil
}

// subquery parses a nested object query (2016-03-23+).
// AWS: iot-sql-nested-queries.html.
func (p *parser) subquery(pos Pos) (Expr, error) {
	if !p.opts.Version.Modern() {
		return nil, errorf(pos, "nested queries require SQL version 2016-03-23 or later")
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	sel, err := p.selectClause()
	if err != nil {
		return nil, err
	}
	if _, err := p.expectKw("from"); err != nil {
		return nil, err
	}
	from, err := p.postfix()
	if err != nil {
		return nil, err
	}
	sq := &Subquery{Select: sel, From: from, P: pos}
	if p.acceptKw("where") {
		if sq.Where, err = p.expr(); err != nil {
			return nil, err
		}
	}
	return sq, nil
}

func (p *parser) call() (Expr, error) {
	name := p.next()
	p.next() // (
	lower := strings.ToLower(name.Text)
	if lower == "cast" {
		return p.cast(name.Pos)
	}
	info, ok := Functions[lower]
	if !ok {
		return nil, errorf(name.Pos, "unknown function '%s'", name.Text)
	}
	if info.Modern && !p.opts.Version.Modern() {
		return nil, errorf(name.Pos, "function '%s' requires SQL version 2016-03-23 or later", name.Text)
	}
	c := &Call{Name: lower, P: name.Pos}
	if p.peek().Kind == TokRParen {
		p.next()
		return c, nil
	}
	for {
		a, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.Args = append(c.Args, a)
		t := p.next()
		if t.Kind == TokRParen {
			return c, nil
		}
		if t.Kind != TokComma {
			return nil, errorf(t.Pos, "expected ',' or ')' in call to %s but found %s", name.Text, t.describe())
		}
	}
}

// cast parses cast(expr AS type). AWS: iot-sql-functions.html#iot-sql-function-cast.
func (p *parser) cast(pos Pos) (Expr, error) {
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	if _, err := p.expectKw("as"); err != nil {
		return nil, err
	}
	t := p.next()
	ct, ok := castTypes[strings.ToLower(t.Text)]
	if t.Kind != TokIdent || !ok {
		return nil, errorf(t.Pos, "invalid cast type %s", t.describe())
	}
	if ct.Modern && !p.opts.Version.Modern() {
		return nil, errorf(t.Pos, "cast to %s requires SQL version 2016-03-23 or later", t.Text)
	}
	if _, err := p.expect(TokRParen); err != nil {
		return nil, err
	}
	return &Cast{X: x, Type: ct.Canon, P: pos}, nil
}

// caseExpr parses a simple CASE; the searched form is not supported.
// AWS: iot-sql-case.html; awsdocs/aws-iot-docs issue #60.
func (p *parser) caseExpr() (Expr, error) {
	start := p.next()
	if isKw(p.peek(), "when") {
		return nil, errorf(p.peek().Pos, "searched CASE is not supported: expected an expression after CASE")
	}
	subj, err := p.expr()
	if err != nil {
		return nil, err
	}
	c := &Case{Subject: subj, P: start.Pos}
	for p.acceptKw("when") {
		var w When
		if w.Cond, err = p.expr(); err != nil {
			return nil, err
		}
		if _, err := p.expectKw("then"); err != nil {
			return nil, err
		}
		if w.Result, err = p.expr(); err != nil {
			return nil, err
		}
		c.Whens = append(c.Whens, w)
	}
	if len(c.Whens) == 0 {
		return nil, errorf(p.peek().Pos, "expected WHEN but found %s", p.peek().describe())
	}
	if p.acceptKw("else") {
		if c.Else, err = p.expr(); err != nil {
			return nil, err
		}
	}
	if _, err := p.expectKw("end"); err != nil {
		return nil, err
	}
	return c, nil
}

// objectLit parses {'k': v, ...}; a trailing comma is tolerated.
// AWS: iot-sql-literals.html (2016-03-23 and later).
func (p *parser) objectLit() (Expr, error) {
	open := p.next()
	if !p.opts.Version.Modern() {
		return nil, errorf(open.Pos, "object literals require SQL version 2016-03-23 or later")
	}
	o := &ObjectLit{P: open.Pos}
	for {
		if p.peek().Kind == TokRBrace {
			p.next()
			return o, nil
		}
		k, err := p.expect(TokString)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(TokColon); err != nil {
			return nil, err
		}
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		o.Keys = append(o.Keys, k.Text)
		o.Values = append(o.Values, v)
		t := p.next()
		if t.Kind == TokRBrace {
			return o, nil
		}
		if t.Kind != TokComma {
			return nil, errorf(t.Pos, "expected ',' or '}' in object literal but found %s", t.describe())
		}
	}
}

// arrayLit parses [a, b]. AWS: iot-sql-literals.html (2016-03-23 and later).
func (p *parser) arrayLit() (Expr, error) {
	open := p.next()
	if !p.opts.Version.Modern() {
		return nil, errorf(open.Pos, "array literals require SQL version 2016-03-23 or later")
	}
	a := &ArrayLit{P: open.Pos}
	if p.peek().Kind == TokRBracket {
		p.next()
		return a, nil
	}
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		a.Elems = append(a.Elems, e)
		t := p.next()
		if t.Kind == TokRBracket {
			return a, nil
		}
		if t.Kind != TokComma {
			return nil, errorf(t.Pos, "expected ',' or ']' in array literal but found %s", t.describe())
		}
	}
}
