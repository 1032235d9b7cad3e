package sql

// Version is an AWS IoT SQL version (awsIotSqlVersion).
// AWS: iot-rule-sql-version.html.
type Version string

// SQL versions.
const (
	V20151008 Version = "2015-10-08"
	V20160323 Version = "2016-03-23"
	VBeta     Version = "beta"
)

// DefaultVersion is used when a rule does not name a version: the CLI and
// CloudFormation default. AWS: iot-create-rule.html (awsIotSqlVersion).
const DefaultVersion = V20151008

// ParseVersion validates a version string; "" yields DefaultVersion.
func ParseVersion(s string) (Version, bool) {
	switch Version(s) {
	case "":
		return DefaultVersion, true
	case V20151008, V20160323, VBeta:
		return Version(s), true
	}
	return "", false
}

// Modern reports whether v has the 2016-03-23 features (literals, nested
// queries, top-level arrays, whole decimals as Int).
func (v Version) Modern() bool { return v != V20151008 }

// Statement is a parsed rule statement.
type Statement struct {
	Version Version
	Set     []SetItem
	Select  *Select
	// From is the topic filter; FromPresent is false when the statement has
	// no FROM (allowed for Basic Ingest rules, AWS: iot-basic-ingest.html).
	From        string
	FromPos     Pos
	FromPresent bool
	Where       Expr
}

// SetItem is one `@name = expr` assignment of the SET clause.
type SetItem struct {
	Name string
	Expr Expr
	Pos  Pos
}

// Select is a SELECT list or SELECT VALUE, shared by the statement and by
// nested queries.
type Select struct {
	Value Expr // non-nil for SELECT VALUE
	Items []SelectItem
	Pos   Pos
}

// SelectItem is one item of the SELECT list. Star is true for a bare `*`
// (merged into the output); Alias holds the dotted alias segments.
type SelectItem struct {
	Expr  Expr
	Star  bool
	Alias []string
	Pos   Pos
}

// Expr is an expression node.
type Expr interface{ Position() Pos }

// LitKind is the kind of a literal.
type LitKind int

// Literal kinds.
const (
	LitNumber LitKind = iota
	LitString
	LitBool
	LitNull
)

type (
	// Literal is a number, string, boolean or NULL.
	Literal struct {
		Kind LitKind
		Text string // number text, decoded string, "true"/"false"
		P    Pos
	}
	// Field reads a key of the current scope (the payload or the element of a
	// nested query).
	Field struct {
		Name string
		P    Pos
	}
	// Star is the whole current scope (`*`).
	Star struct{ P Pos }
	// Var is a SET variable `@name`.
	Var struct {
		Name string
		P    Pos
	}
	// Member is `X.name`.
	Member struct {
		X    Expr
		Name string
		P    Pos
	}
	// Index is `X[i]`.
	Index struct {
		X, Index Expr
		P        Pos
	}
	// Call is a function call; Name is lower-case.
	Call struct {
		Name string
		Args []Expr
		P    Pos
	}
	// Cast is `cast(X AS Type)`; Type is lower-case.
	Cast struct {
		X    Expr
		Type string
		P    Pos
	}
	// Unary is NOT or unary minus.
	Unary struct {
		Op string
		X  Expr
		P  Pos
	}
	// Binary is an infix operator: AND OR = <> < <= > >= + - * / %.
	Binary struct {
		Op   string
		L, R Expr
		P    Pos
	}
	// In is `X IN list`: List holds the elements of a parenthesised list, or
	// one expression that must evaluate to an array.
	In struct {
		X      Expr
		List   []Expr
		Paren  bool
		Negate bool
		P      Pos
	}
	// Case is a simple CASE expression.
	Case struct {
		Subject Expr
		Whens   []When
		Else    Expr
		P       Pos
	}
	// ObjectLit is `{'k': v, ...}` (2016-03-23+).
	ObjectLit struct {
		Keys   []string
		Values []Expr
		P      Pos
	}
	// ArrayLit is `[a, b]` (2016-03-23+).
	ArrayLit struct {
		Elems []Expr
		P     Pos
	}
	// Subquery is a nested object query (2016-03-23+).
	Subquery struct {
		Select *Select
		From   Expr
		Where  Expr
		P      Pos
	}
)

// When is one WHEN/THEN pair of a CASE.
type When struct{ Cond, Result Expr }

// Position returns the node position.
func (e *Literal) Position() Pos { return e.P }

// Position returns the node position.
func (e *Field) Position() Pos { return e.P }

// Position returns the node position.
func (e *Star) Position() Pos { return e.P }

// Position returns the node position.
func (e *Var) Position() Pos { return e.P }

// Position returns the node position.
func (e *Member) Position() Pos { return e.P }

// Position returns the node position.
func (e *Index) Position() Pos { return e.P }

// Position returns the node position.
func (e *Call) Position() Pos { return e.P }

// Position returns the node position.
func (e *Cast) Position() Pos { return e.P }

// Position returns the node position.
func (e *Unary) Position() Pos { return e.P }

// Position returns the node position.
func (e *Binary) Position() Pos { return e.P }

// Position returns the node position.
func (e *In) Position() Pos { return e.P }

// Position returns the node position.
func (e *Case) Position() Pos { return e.P }

// Position returns the node position.
func (e *ObjectLit) Position() Pos { return e.P }

// Position returns the node position.
func (e *ArrayLit) Position() Pos { return e.P }

// Position returns the node position.
func (e *Subquery) Position() Pos { return e.P }
