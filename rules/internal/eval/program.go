package eval

import (
	"fmt"
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
// and shared by all pooled runtimes.
type Program struct {
	prog    *goja.Program
	version sql.Version
	js      string
	// topArray is true for SELECT VALUE statements.
	selectValue bool
}

// Compile translates a parsed statement to JavaScript and compiles it.
func Compile(st *sql.Statement, c Compat) (*Program, error) {
	g := &gen{version: st.Version, compat: c}
	var b strings.Builder
	b.WriteString("(function(){\"use strict\";var $=__rt,s0=__root,V={};")
	for _, s := range st.Set {
		// SET runs first; later variables may use earlier ones.
		// AWS: iot-sql-set.html.
		b.WriteString("V[" + jsKey(s.Name) + "]=" + g.expr(s.Expr) + ";")
	}
	if st.Where != nil {
		// Actions run only when WHERE is Boolean true. AWS: iot-sql-where.html.
		b.WriteString("if(" + g.expr(st.Where) + "!==true)return null;")
	}
	b.WriteString("return [" + g.selectExpr(st.Select) + ",V];})()")
	js := b.String()
	p, err := goja.Compile("rule.js", js, true)
	if err != nil {
		return nil, fmt.Errorf("compile statement: %w", err)
	}
	return &Program{prog: p, version: st.Version, js: js, selectValue: st.Select.Value != nil}, nil
}

// JS returns the generated JavaScript (for diagnostics and tests).
func (p *Program) JS() string { return p.js }

// ExprProgram is a substitution template compiled once: literal text and
// `${expr}` parts concatenated, each expression converted to String.
type ExprProgram struct {
	prog    *goja.Program
	version sql.Version
}

// TemplatePart is one piece of a substitution template: literal text or an
// expression.
type TemplatePart struct {
	Text string
	Expr sql.Expr
}

// CompileTemplate compiles template parts for one SQL version.
func CompileTemplate(parts []TemplatePart, v sql.Version, c Compat) (*ExprProgram, error) {
	g := &gen{version: v, compat: c}
	var b strings.Builder
	b.WriteString("(function(){\"use strict\";var $=__rt,s0=__root,V=__vars;return \"\"")
	for _, p := range parts {
		if p.Expr == nil {
			b.WriteString("+" + jsString(p.Text))
			continue
		}
		b.WriteString("+$.tstr(" + g.expr(p.Expr) + ")")
	}
	b.WriteString(";})()")
	p, err := goja.Compile("template.js", b.String(), true)
	if err != nil {
		return nil, fmt.Errorf("compile template: %w", err)
	}
	return &ExprProgram{prog: p, version: v}, nil
}
