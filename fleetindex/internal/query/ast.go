package query

// Node is a parsed query expression.
type Node interface {
	// Eval reports whether the document matches.
	Eval(d Doc) bool
	// String renders the node in a canonical, fully parenthesised form,
	// used by tests and by the fuzz target's round trip.
	String() string
}

// And matches when every child matches (explicit AND and the default
// operator between terms).
type And struct{ Children []Node }

// Or matches when any child matches.
type Or struct{ Children []Node }

// Not matches when its child does not (NOT, and the `-` prefix).
type Not struct{ Child Node }

// All is the lone `*` query: every document.
type All struct{}

// Term is `field:value` (Field "" for a bare term searched in every
// field). A lone * value is an existence test.
type Term struct {
	Field string
	Value Pattern
}

// Range is `field:[lo TO hi]`; an open bound (`*`) has Open set.
type Range struct {
	Field          string
	Lo, Hi         Bound
	LoIncl, HiIncl bool
}

// Bound is one end of a range.
type Bound struct {
	Open  bool
	Value Pattern
}

// Compare is `field<v`, `field<=v`, `field>v` or `field>=v`.
type Compare struct {
	Field string
	Op    string
	Value Pattern
}
