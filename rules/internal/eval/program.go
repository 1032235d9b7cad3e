package eval

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/dop251/goja"

	"github.com/iotemu/iotemu/rules/internal/sql"
)

// Compat holds switches for behaviours AWS leaves unconfirmed.
type Compat struct {
	// ShortCircuitLogic makes `true OR Undefined` true and
	// `false AND Undefined` false. AWS's operator table makes both Undefined
	// (AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-operators.html#iot-sql-operators-and),
	// the default here.
	ShortCircuitLogic bool
}

// Program is a statement compiled once to a goja Program; it is immutable
// and shared by all pooled runtimes. The program evaluates to a function
// ($, s0) that each runtime creates once and calls per message: it returns
// true when WHERE holds, after handing the SELECT result to $.out (or, for
// a flat SELECT list, its values in order to $.outf, which writes them
// under the precomputed keys without building a JavaScript object).
type Program struct {
	prog    *goja.Program
	version sql.Version
	js      string
	// selectValue is true for SELECT VALUE statements.
	selectValue bool
	// keys are the JSON keys (`"name":`) of a flat SELECT list.
	keys [][]byte
	// hasVars is true when the statement has a SET clause.
	hasVars bool
	root    rootUse
}

// rootUse is what a program reads of the payload: all of it, or only the
// members in fields, each of which is then a parameter of the program's
// function (f0, f1...: fields maps a name to its index). A program that
// reads three members of a large payload converts only those three, and
// builds no object for them.
type rootUse struct {
	all    bool
	fields map[string]int
}

// params returns the parameters after the fixed ones: ",f0,f1..." when the
// payload members are passed one by one.
func (u rootUse) params() string {
	if u.all || len(u.fields) == 0 {
		return ""
	}
	var b strings.Builder
	for i := range len(u.fields) {
		b.WriteString(",f" + strconv.Itoa(i))
	}
	return b.String()
}

// generate runs gen twice: the first pass finds what the code reads of the
// payload, the second writes member reads as parameters when it can.
func generate(v sql.Version, c Compat, body func(g *gen) string) (string, rootUse) {
	g := &gen{version: v, compat: c}
	body(g)
	use := g.root
	if use.all || len(use.fields) == 0 {
		return body(&gen{version: v, compat: c}), use
	}
	return body(&gen{version: v, compat: c, params: use.fields}), use
}

// Compile translates a parsed statement to JavaScript and compiles it.
func Compile(st *sql.Statement, c Compat) (*Program, error) {
	p := &Program{version: st.Version, selectValue: st.Select.Value != nil, hasVars: len(st.Set) > 0}
	p.keys, _ = flatKeys(st.Select)
	body, use := generate(st.Version, c, func(g *gen) string { return statementBody(g, st, p.keys != nil) })
	p.js = "(function($,s0" + use.params() + "){\"use strict\";var t,V" + body + "})"
	p.root = use
	prog, err := goja.Compile("rule.js", p.js, true)
	if err != nil {
		return nil, fmt.Errorf("compile statement: %w", err)
	}
	p.prog = prog
	return p, nil
}

// statementBody is the function body after `var t,V`: SET, WHERE (false
// when it does not hold), the output, true.
func statementBody(g *gen, st *sql.Statement, flat bool) string {
	var b strings.Builder
	if len(st.Set) > 0 {
		b.WriteString("={}")
	}
	b.WriteString(";")
	for _, s := range st.Set {
		// SET runs first; later variables may use earlier ones.
		// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-set.html
		b.WriteString("V[" + jsKey(s.Name) + "]=" + g.expr(s.Expr) + ";")
	}
	if st.Where != nil {
		// Actions run only when WHERE is Boolean true.
		// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-where.html
		b.WriteString("if(" + g.expr(st.Where) + "!==true)return false;")
	}
	if flat {
		b.WriteString("$.outf(")
		for i, it := range st.Select.Items {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(g.expr(it.Expr))
		}
		b.WriteString(");")
	} else {
		b.WriteString("$.out(" + g.selectExpr(st.Select) + ");")
	}
	if len(st.Set) > 0 {
		b.WriteString("$.vars(V);")
	}
	b.WriteString("return true;")
	return b.String()
}

// flatKeys returns the output keys of a SELECT list that needs no object:
// no `*`, no dotted alias, no key twice (a repeated key keeps its first
// position and its last defined value, which only an object does right).
func flatKeys(sel *sql.Select) ([][]byte, bool) {
	if sel.Value != nil {
		return nil, false
	}
	seen := map[string]bool{}
	keys := make([][]byte, 0, len(sel.Items))
	for i, it := range sel.Items {
		if it.Star || len(it.Alias) > 1 {
			return nil, false
		}
		k := implicitName(it.Expr, i)
		if len(it.Alias) == 1 {
			k = it.Alias[0]
		}
		if seen[k] {
			return nil, false
		}
		seen[k] = true
		keys = append(keys, []byte(jsonKey(k)))
	}
	return keys, true
}

// jsonKey is `"k":` as the serializer writes keys.
func jsonKey(k string) string {
	var b bytes.Buffer
	writeString(&b, k)
	b.WriteByte(':')
	return b.String()
}

// JS returns the generated JavaScript (for diagnostics and tests).
func (p *Program) JS() string { return p.js }

// ExprProgram is a substitution template compiled once: literal text and
// `${expr}` parts concatenated, each expression converted to String. It
// evaluates to a function ($, s0, V).
type ExprProgram struct {
	prog    *goja.Program
	version sql.Version
	root    rootUse
}

// TemplatePart is one piece of a substitution template: literal text or an
// expression.
type TemplatePart struct {
	Text string
	Expr sql.Expr
}

// CompileTemplate compiles template parts for one SQL version.
func CompileTemplate(parts []TemplatePart, v sql.Version, c Compat) (*ExprProgram, error) {
	body, use := generate(v, c, func(g *gen) string {
		var b strings.Builder
		for _, p := range parts {
			if p.Expr == nil {
				b.WriteString("+" + jsString(p.Text))
				continue
			}
			b.WriteString("+$.tstr(" + g.expr(p.Expr) + ")")
		}
		return b.String()
	})
	js := "(function($,s0,V" + use.params() + "){\"use strict\";var t;return \"\"" + body + ";})"
	p, err := goja.Compile("template.js", js, true)
	if err != nil {
		return nil, fmt.Errorf("compile template: %w", err)
	}
	return &ExprProgram{prog: p, version: v, root: use}, nil
}
