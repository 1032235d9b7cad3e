package eval

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/iotemu/iotemu/rules/internal/sql"
)

// gen translates the AST to JavaScript. Every operator becomes a call to a
// runtime helper implementing AWS's tables: JS operators are never applied
// to SQL values directly (rules-sql.md §10).
type gen struct {
	version sql.Version
	compat  Compat
	depth   int // nesting depth of scopes: s0 is the payload
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func jsKey(name string) string { return jsString(keyPrefix + name) }

func (g *gen) scope() string { return "s" + strconv.Itoa(g.depth) }

var binHelpers = map[string]string{
	"=": "$.eq", "<>": "$.ne", "<": "$.lt", "<=": "$.le", ">": "$.gt", ">=": "$.ge",
	"+": "$.add", "-": "$.sub", "*": "$.mul", "/": "$.div", "%": "$.mod",
}

func (g *gen) expr(e sql.Expr) string {
	switch e := e.(type) {
	case *sql.Literal:
		return g.literal(e)
	case *sql.Field:
		return "G(" + g.scope() + "," + jsKey(e.Name) + ")"
	case *sql.Star:
		return g.scope()
	case *sql.Var:
		return "G(V," + jsKey(e.Name) + ")"
	case *sql.Member:
		return "G(" + g.expr(e.X) + "," + jsKey(e.Name) + ")"
	case *sql.Index:
		return "$.f_get(" + g.expr(e.X) + "," + g.expr(e.Index) + ")"
	case *sql.Call:
		return g.call(e)
	case *sql.Cast:
		return "$.cast(" + g.expr(e.X) + "," + jsString(e.Type) + ")"
	case *sql.Unary:
		return g.unary(e)
	case *sql.Binary:
		return g.binary(e)
	case *sql.In:
		return g.in(e)
	case *sql.Case:
		return g.caseExpr(e)
	case *sql.ObjectLit:
		return g.objectLit(e)
	case *sql.ArrayLit:
		return "[" + g.list(e.Elems) + "]"
	case *sql.Subquery:
		return g.subquery(e)
	}
	panic(fmt.Sprintf("eval: unknown expression %T", e))
}

func (g *gen) list(es []sql.Expr) string {
	parts := make([]string, len(es))
	for i, a := range es {
		parts[i] = g.expr(a)
	}
	return strings.Join(parts, ",")
}

func (g *gen) literal(e *sql.Literal) string {
	switch e.Kind {
	case sql.LitString:
		return jsString(e.Text)
	case sql.LitBool:
		return e.Text
	case sql.LitNull:
		return "null"
	}
	if i, ok := intText(e.Text, g.version.Modern()); ok {
		return "(" + i.String() + "n)"
	}
	f, err := strconv.ParseFloat(e.Text, 64)
	if err != nil {
		return "undefined" // outside the double range
	}
	return "(" + strconv.FormatFloat(f, 'g', -1, 64) + ")"
}

func (g *gen) call(e *sql.Call) string {
	if e.Name == "encode" && len(e.Args) == 2 && g.depth == 0 {
		if _, ok := e.Args[0].(*sql.Star); ok {
			// encode(*, ...) encodes the raw payload bytes, JSON or not.
			// AWS: iot-sql-functions.html#iot-sql-encode-payload.
			return "$.encodeRaw(" + g.expr(e.Args[1]) + ")"
		}
	}
	return "$.f_" + e.Name + "(" + g.list(e.Args) + ")"
}

func (g *gen) unary(e *sql.Unary) string {
	x := g.expr(e.X)
	switch e.Op {
	case "NOT":
		return "NOT(" + x + ")"
	case "+":
		return "$.pos(" + x + ")"
	}
	return "$.neg(" + x + ")"
}

// binary compiles operators. AND/OR evaluate both sides unless
// Compat.ShortCircuitLogic is set (rules-sql.md §4.3, UNCONFIRMED).
func (g *gen) binary(e *sql.Binary) string {
	l, r := g.expr(e.L), g.expr(e.R)
	switch e.Op {
	case "AND", "OR":
		if g.compat.ShortCircuitLogic {
			return "S" + e.Op + "(" + l + ",function(){return " + r + ";})"
		}
		return e.Op + "(" + l + "," + r + ")"
	}
	return binHelpers[e.Op] + "(" + l + "," + r + ")"
}

func (g *gen) in(e *sql.In) string {
	var list string
	if e.Paren {
		list = "[" + g.list(e.List) + "]"
	} else {
		list = g.expr(e.List[0])
	}
	s := "$.inl(" + g.expr(e.X) + "," + list + ")"
	if e.Negate {
		return "NOT(" + s + ")"
	}
	return s
}

// caseExpr compiles a simple CASE: Undefined subject gives Undefined; the
// first WHEN equal to the subject wins; no match and no ELSE is Undefined.
// AWS: iot-sql-case.html.
func (g *gen) caseExpr(e *sql.Case) string {
	var b strings.Builder
	b.WriteString("(function(v){if(v===undefined)return undefined;")
	for _, w := range e.Whens {
		fmt.Fprintf(&b, "if($.eq(v,%s)===true)return %s;", g.expr(w.Cond), g.expr(w.Result))
	}
	if e.Else != nil {
		b.WriteString("return " + g.expr(e.Else) + ";")
	}
	b.WriteString("return undefined;})(" + g.expr(e.Subject) + ")")
	return b.String()
}

func (g *gen) objectLit(e *sql.ObjectLit) string {
	parts := make([]string, 0, 2*len(e.Keys))
	for i, k := range e.Keys {
		parts = append(parts, jsKey(k), g.expr(e.Values[i]))
	}
	return "O(" + strings.Join(parts, ",") + ")"
}

// subquery compiles a nested object query: the FROM value is iterated (a
// non-array is a one-element collection), elements whose WHERE is not true
// are dropped, Undefined results are dropped, and the result is an array.
// AWS: iot-sql-nested-queries.html (rules-sql.md §2.6).
func (g *gen) subquery(e *sql.Subquery) string {
	from := g.expr(e.From)
	g.depth++
	defer func() { g.depth-- }()
	s := g.scope()
	var b strings.Builder
	b.WriteString("(function(c){if(c===undefined)return undefined;")
	b.WriteString("var a=Array.isArray(c)?c:[c],r=[];for(var i=0;i<a.length;i++){")
	b.WriteString("var " + s + "=a[i];")
	if e.Where != nil {
		b.WriteString("if(" + g.expr(e.Where) + "!==true)continue;")
	}
	b.WriteString("var x=" + g.selectExpr(e.Select) + ";if(x!==undefined)r.push(x);}")
	b.WriteString("return r;})(" + from + ")")
	return b.String()
}

// selectExpr builds the SELECT result in the current scope. A lone `*` is the
// scope value itself (raw bytes stay raw); `*` with other items merges the
// object's members first, then the items follow in SELECT order.
// AWS: iot-sql-select.html; validation-tool payload-enrichment cases.
func (g *gen) selectExpr(sel *sql.Select) string {
	if sel.Value != nil {
		return g.expr(sel.Value)
	}
	if len(sel.Items) == 1 && sel.Items[0].Star {
		return g.scope()
	}
	var b strings.Builder
	b.WriteString("(function(){var o={};")
	for i, it := range sel.Items {
		if it.Star {
			b.WriteString("ST(o," + g.scope() + ");")
			continue
		}
		keys := it.Alias
		if len(keys) == 0 {
			keys = []string{implicitName(it.Expr, i)}
		}
		jk := make([]string, len(keys))
		for j, k := range keys {
			jk[j] = jsKey(k)
		}
		b.WriteString("PN(o,[" + strings.Join(jk, ",") + "]," + g.expr(it.Expr) + ");")
	}
	b.WriteString("return o;})()")
	return b.String()
}

// implicitName is the output key of an item without AS: the field name, the
// last path segment, the variable or function name, else "_<n>" (1-based).
// AWS documents only the plain field case (iot-sql-select.html); the rest is
// UNCONFIRMED (rules-sql.md §2.9).
func implicitName(e sql.Expr, i int) string {
	switch e := e.(type) {
	case *sql.Field:
		return e.Name
	case *sql.Member:
		return e.Name
	case *sql.Var:
		return e.Name
	case *sql.Call:
		return e.Name
	case *sql.Cast:
		return "cast"
	}
	return "_" + strconv.Itoa(i+1)
}
