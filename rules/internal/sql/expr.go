package sql

import "strings"

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return errorf(p.peek().Pos, "expression nested too deeply")
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// expr parses an expression. Precedence (lowest first; AWS does not document
// it, AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-operators.html#iot-sql-operators):
// OR, AND, NOT, comparison/IN, + -, * / %, unary -,
// postfix . and [].
func (p *parser) expr() (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	return p.binaryLevel(0)
}

var levels = [][]string{{"or"}, {"and"}}

func (p *parser) binaryLevel(lvl int) (Expr, error) {
	if lvl == len(levels) {
		return p.not()
	}
	l, err := p.binaryLevel(lvl + 1)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if !isKw(t, levels[lvl][0]) {
			return l, nil
		}
		p.next()
		r, err := p.binaryLevel(lvl + 1)
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: strings.ToUpper(t.Text), L: l, R: r, P: t.Pos}
	}
}

func (p *parser) not() (Expr, error) {
	t := p.peek()
	if !isKw(t, "not") {
		return p.comparison()
	}
	p.next()
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	x, err := p.not()
	if err != nil {
		return nil, err
	}
	return &Unary{Op: "NOT", X: x, P: t.Pos}, nil
}

var cmpOps = map[TokenKind]string{TokEq: "=", TokNeq: "<>", TokLt: "<", TokLte: "<=", TokGt: ">", TokGte: ">="}

func (p *parser) comparison() (Expr, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if op, ok := cmpOps[t.Kind]; ok {
			p.next()
			r, err := p.additive()
			if err != nil {
				return nil, err
			}
			l = &Binary{Op: op, L: l, R: r, P: t.Pos}
			continue
		}
		negate := isKw(t, "not") && isKw(p.peekN(1), "in")
		if !isKw(t, "in") && !negate {
			return l, nil
		}
		if negate {
			p.next()
		}
		p.next()
		in, err := p.inList(l, t.Pos)
		if err != nil {
			return nil, err
		}
		in.Negate = negate
		l = in
	}
}

// inList parses the right side of IN: a parenthesised list or an expression
// that evaluates to an array (UNCONFIRMED, docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-operators.html#iot-sql-operators-in
func (p *parser) inList(x Expr, pos Pos) (*In, error) {
	in := &In{X: x, P: pos}
	if p.peek().Kind != TokLParen || isKw(p.peekN(1), "select") {
		r, err := p.additive()
		if err != nil {
			return nil, err
		}
		in.List = []Expr{r}
		return in, nil
	}
	p.next()
	in.Paren = true
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		in.List = append(in.List, e)
		t := p.next()
		if t.Kind == TokRParen {
			return in, nil
		}
		if t.Kind != TokComma {
			return nil, errorf(t.Pos, "expected ',' or ')' in IN list but found %s", t.describe())
		}
	}
}

var addOps = map[TokenKind]string{TokPlus: "+", TokMinus: "-"}
var mulOps = map[TokenKind]string{TokStar: "*", TokSlash: "/", TokPercent: "%"}

func (p *parser) additive() (Expr, error) { return p.arith(addOps, p.multiplicative) }

func (p *parser) multiplicative() (Expr, error) { return p.arith(mulOps, p.unary) }

func (p *parser) arith(ops map[TokenKind]string, sub func() (Expr, error)) (Expr, error) {
	l, err := sub()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		op, ok := ops[t.Kind]
		if !ok {
			return l, nil
		}
		p.next()
		r, err := sub()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: op, L: l, R: r, P: t.Pos}
	}
}

// unary parses unary minus and plus; a minus before a number literal is
// folded into the literal so that -5 stays an exact Int.
func (p *parser) unary() (Expr, error) {
	t := p.peek()
	if t.Kind != TokMinus && t.Kind != TokPlus {
		return p.postfix()
	}
	p.next()
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	if t.Kind == TokPlus {
		return &Unary{Op: "+", X: x, P: t.Pos}, nil
	}
	if lit, ok := x.(*Literal); ok && lit.Kind == LitNumber && !strings.HasPrefix(lit.Text, "-") {
		return &Literal{Kind: LitNumber, Text: "-" + lit.Text, P: t.Pos}, nil
	}
	return &Unary{Op: "-", X: x, P: t.Pos}, nil
}

// postfix parses member access `.name` and indexing `[i]` (JSON extensions,
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-json.html#iot-sql-json; bracket indexing is
// UNCONFIRMED, docs/compatibility.md).
func (p *parser) postfix() (Expr, error) {
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		switch t.Kind {
		case TokDot:
			p.next()
			n := p.next()
			if n.Kind != TokIdent {
				return nil, errorf(n.Pos, "expected a field name after '.' but found %s", n.describe())
			}
			x = &Member{X: x, Name: n.Text, P: n.Pos}
		case TokLBracket:
			p.next()
			idx, err := p.expr()
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(TokRBracket); err != nil {
				return nil, err
			}
			x = &Index{X: x, Index: idx, P: t.Pos}
		default:
			return x, nil
		}
	}
}
