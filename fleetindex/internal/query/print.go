package query

import (
	"strings"
	"unicode"
)

// String implements Node.
func (n *And) String() string { return join("AND", n.Children) }

// String implements Node.
func (n *Or) String() string { return join("OR", n.Children) }

// String implements Node.
func (n *Not) String() string { return "(NOT " + n.Child.String() + ")" }

// String implements Node.
func (All) String() string { return "*" }

// String implements Node.
func (n *Term) String() string { return fieldPrefix(n.Field) + quote(n.Value) }

// String implements Node.
func (n *Range) String() string {
	open, closer := "{", "}"
	if n.LoIncl {
		open = "["
	}
	if n.HiIncl {
		closer = "]"
	}
	return escape(n.Field) + ":" + open + bound(n.Lo) + " TO " + bound(n.Hi) + closer
}

// String implements Node. A value starting with '=' is escaped: written
// plainly after "<" or ">" it would lex as part of the operator ("<=").
func (n *Compare) String() string {
	v := quote(n.Value)
	if strings.HasPrefix(v, "=") {
		v = `\` + v
	}
	return escape(n.Field) + n.Op + v
}

func join(op string, nodes []Node) string {
	parts := make([]string, len(nodes))
	for i, c := range nodes {
		parts[i] = c.String()
	}
	return "(" + strings.Join(parts, " "+op+" ") + ")"
}

func fieldPrefix(f string) string {
	if f == "" {
		return ""
	}
	return escape(f) + ":"
}

func bound(b Bound) string {
	if b.Open {
		return "*"
	}
	return quote(b.Value)
}

// quote renders a value so that Parse reads it back to the same pattern:
// a phrase in quotes, else each literal special rune escaped.
func quote(p Pattern) string {
	var b strings.Builder
	if p.quoted {
		b.WriteByte('"')
		for _, r := range p.runes {
			if r.r == '"' || r.r == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(r.r)
		}
		b.WriteByte('"')
		return b.String()
	}
	keyword := keywords[p.Text()] && !p.HasWildcard()
	for i, r := range p.runes {
		if r.wild == 0 && (needsEscape(r.r, i == 0) || (keyword && i == 0)) {
			b.WriteByte('\\')
		}
		b.WriteRune(r.r)
	}
	return b.String()
}

func escape(s string) string {
	var b strings.Builder
	for i, r := range s {
		if needsEscape(r, i == 0) || (i == 0 && keywords[s]) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// keywords would lex as operators if written plainly.
var keywords = map[string]bool{"AND": true, "OR": true, "NOT": true, "TO": true}

func needsEscape(r rune, first bool) bool {
	if strings.ContainsRune(syntax+unsupported+"\\*?", r) || unicode.IsSpace(r) {
		return true
	}
	return first && (r == '-' || r == '+')
}
