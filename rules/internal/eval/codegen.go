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
// to SQL values directly.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-operators.html#iot-sql-operators
type gen struct {
	version sql.Version
	compat  Compat
	depth   int // nesting depth of scopes: s0 is the payload
	root    rootUse
	// params, when set, are the payload members passed as parameters
	// (see rootUse): a member read at the top scope is its parameter.
	params map[string]int
}

// useRoot records a read of the payload: member name, or "" for all of it.
func (g *gen) useRoot(name string) {
	if g.depth != 0 {
		return
	}
	if name == "" {
		g.root.all = true
		return
	}
	if g.root.fields == nil {
		g.root.fields = map[string]int{}
	}
	if _, ok := g.root.fields[name]; !ok {
		g.root.fields[name] = len(g.root.fields)
	}
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

// expr returns the JavaScript of e. The generator writes into one builder,
// so a long operator chain costs linear time, not quadratic.
func (g *gen) expr(e sql.Expr) string {
	var w strings.Builder
	g.emit(&w, e)
	return w.String()
}

// selectExpr returns the JavaScript of a SELECT list in the current scope.
func (g *gen) selectExpr(sel *sql.Select) string {
	var w strings.Builder
	g.emitSelect(&w, sel)
	return w.String()
}

// emitf writes format, where each %e verb is replaced by an expression
// written in place and %s by a string.
func (g *gen) emitf(w *strings.Builder, format string, args ...any) {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			w.WriteByte(format[i])
			continue
		}
		i++
		a := args[0]
		args = args[1:]
		switch format[i] {
		case 'e':
			g.emit(w, a.(sql.Expr))
		case 's':
			w.WriteString(a.(string))
		}
	}
}

func (g *gen) emit(w *strings.Builder, e sql.Expr) {
	switch e := e.(type) {
	case *sql.Literal:
		w.WriteString(g.literal(e))
	case *sql.Field:
		// A constant member name, not G(o, k): goja boxes a key passed as
		// a variable on every access.
		g.useRoot(e.Name)
		if i, ok := g.params[e.Name]; ok && g.depth == 0 {
			w.WriteString("f" + strconv.Itoa(i))
			return
		}
		sc := g.scope()
		g.emitf(w, "(%s==null?undefined:%s[%s])", sc, sc, jsKey(e.Name))
	case *sql.Star:
		g.useRoot("")
		w.WriteString(g.scope())
	case *sql.Var:
		g.emitf(w, "G(V,%s)", jsKey(e.Name))
	case *sql.Member:
		g.emitf(w, "((t=%e)==null?undefined:t[%s])", e.X, jsKey(e.Name))
	case *sql.Index:
		g.emitf(w, "$.f_get(%e,%e)", e.X, e.Index)
	case *sql.Call:
		g.call(w, e)
	case *sql.Cast:
		g.emitf(w, "$.cast(%e,%s)", e.X, jsString(e.Type))
	case *sql.Unary:
		g.unary(w, e)
	case *sql.Binary:
		g.binary(w, e)
	case *sql.In:
		g.in(w, e)
	case *sql.Case:
		g.caseExpr(w, e)
	case *sql.ObjectLit:
		g.objectLit(w, e)
	case *sql.ArrayLit:
		w.WriteString("[")
		g.list(w, e.Elems)
		w.WriteString("]")
	case *sql.Subquery:
		g.subquery(w, e)
	default:
		panic(fmt.Sprintf("eval: unknown expression %T", e))
	}
}

func (g *gen) list(w *strings.Builder, es []sql.Expr) {
	for i, a := range es {
		if i > 0 {
			w.WriteString(",")
		}
		g.emit(w, a)
	}
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

func (g *gen) call(w *strings.Builder, e *sql.Call) {
	if e.Name == "encode" && len(e.Args) == 2 && g.depth == 0 {
		if _, ok := e.Args[0].(*sql.Star); ok {
			// encode(*, ...) encodes the raw payload bytes, JSON or not.
			// AWS: iot-sql-functions.html#iot-sql-encode-payload.
			g.emitf(w, "$.encodeRaw(%e)", e.Args[1])
			return
		}
	}
	w.WriteString("$.f_" + e.Name + "(")
	g.list(w, e.Args)
	w.WriteString(")")
}

func (g *gen) unary(w *strings.Builder, e *sql.Unary) {
	switch e.Op {
	case "NOT":
		g.emitf(w, "NOT(%e)", e.X)
	case "+":
		g.emitf(w, "$.pos(%e)", e.X)
	default:
		g.emitf(w, "$.neg(%e)", e.X)
	}
}

// binary compiles operators. AND/OR evaluate both sides unless
// Compat.ShortCircuitLogic is set (UNCONFIRMED, docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-operators.html#iot-sql-operators-and
func (g *gen) binary(w *strings.Builder, e *sql.Binary) {
	switch e.Op {
	case "AND", "OR":
		if g.compat.ShortCircuitLogic {
			g.emitf(w, "S%s(%e,function(){return %e;})", e.Op, e.L, e.R)
			return
		}
		g.emitf(w, "%s(%e,%e)", e.Op, e.L, e.R)
		return
	}
	g.emitf(w, "%s(%e,%e)", binHelpers[e.Op], e.L, e.R)
}

func (g *gen) in(w *strings.Builder, e *sql.In) {
	if e.Negate {
		w.WriteString("NOT(")
	}
	g.emitf(w, "$.inl(%e,", e.X)
	if e.Paren {
		w.WriteString("[")
		g.list(w, e.List)
		w.WriteString("]")
	} else {
		g.emit(w, e.List[0])
	}
	w.WriteString(")")
	if e.Negate {
		w.WriteString(")")
	}
}

// caseExpr compiles a simple CASE: Undefined subject gives Undefined; the
// first WHEN equal to the subject wins; no match and no ELSE is Undefined.
// AWS: iot-sql-case.html.
func (g *gen) caseExpr(w *strings.Builder, e *sql.Case) {
	w.WriteString("(function(v){if(v===undefined)return undefined;")
	for _, wh := range e.Whens {
		g.emitf(w, "if($.eq(v,%e)===true)return %e;", wh.Cond, wh.Result)
	}
	if e.Else != nil {
		g.emitf(w, "return %e;", e.Else)
	}
	g.emitf(w, "return undefined;})(%e)", e.Subject)
}

func (g *gen) objectLit(w *strings.Builder, e *sql.ObjectLit) {
	w.WriteString("O(")
	for i, k := range e.Keys {
		if i > 0 {
			w.WriteString(",")
		}
		g.emitf(w, "%s,%e", jsKey(k), e.Values[i])
	}
	w.WriteString(")")
}

// subquery compiles a nested object query: the FROM value is iterated (a
// non-array is a one-element collection), elements whose WHERE is not true
// are dropped, Undefined results are dropped, and the result is an array.
// SELECT VALUE over a non-array FROM value yields the value itself, not a
// one-element array: AWS's transform example 3 passes
// `(select value c from data2)`, data2 an object, as the Array argument and
// gets data2.c enriched; a SELECT list over an object stays a one-element
// array (validation-tool include-topic-and-transform.json reads it with
// get(..., 0)). docs/compatibility.md "Rules engine".
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-nested-queries.html;
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-func-transform-example3
func (g *gen) subquery(w *strings.Builder, e *sql.Subquery) {
	g.depth++
	s := g.scope()
	w.WriteString("(function(c){if(c===undefined)return undefined;")
	w.WriteString("var a=Array.isArray(c)?c:[c],r=[];for(var i=0;i<a.length;i++){")
	w.WriteString("var " + s + "=a[i];")
	if e.Where != nil {
		g.emitf(w, "if(%e!==true)continue;", e.Where)
	}
	w.WriteString("var x=")
	g.emitSelect(w, e.Select)
	w.WriteString(";if(x!==undefined){$.k();r.push(x);}}")
	if e.Select.Value != nil {
		w.WriteString("if(a!==c)return r[0];")
	}
	w.WriteString("return r;})(")
	g.depth-- // the FROM value is evaluated in the enclosing scope
	g.emit(w, e.From)
	w.WriteString(")")
}

// emitSelect builds the SELECT result in the current scope. A lone `*` is the
// scope value itself (raw bytes stay raw); `*` with other items merges the
// object's members first, then the items follow in SELECT order.
// AWS: iot-sql-select.html; validation-tool payload-enrichment cases.
func (g *gen) emitSelect(w *strings.Builder, sel *sql.Select) {
	if sel.Value != nil {
		g.emit(w, sel.Value)
		return
	}
	if len(sel.Items) == 1 && sel.Items[0].Star {
		g.useRoot("")
		w.WriteString(g.scope())
		return
	}
	w.WriteString("(function(){var o={};")
	for i, it := range sel.Items {
		if it.Star {
			g.useRoot("")
			w.WriteString("ST(o," + g.scope() + ");")
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
		g.emitf(w, "PN(o,[%s],%e);", strings.Join(jk, ","), it.Expr)
	}
	w.WriteString("return o;})()")
}

// implicitName is the output key of an item without AS: the field name, the
// last path segment, the variable or function name, else "_<n>" (1-based).
// AWS documents only the plain field case (iot-sql-select.html); the rest is
// UNCONFIRMED (docs/compatibility.md "Rules engine").
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-select.html#iot-sql-select
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
