package query

import "fmt"

// checkLimits applies AWS's limits to a parsed query: at most MaxTerms
// terms, at most one leading-wildcard term, and a query with one no
// longer than MaxLeadingWildcardLength characters.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#supported-query-syntax
func checkLimits(n Node, length int) error {
	terms, leading := 0, 0
	walk(n, func(leaf Node) {
		terms++
		if t, ok := leaf.(*Term); ok && !t.Value.quoted && t.Value.LeadingWildcard() {
			leading++
		}
	})
	if terms > MaxTerms {
		return &LimitError{Msg: fmt.Sprintf("the query has %d terms; the maximum number of terms in a query is %d", terms, MaxTerms)}
	}
	if leading > 1 {
		return &LimitError{Msg: "leading wildcard use is limited to 1 query term per query"}
	}
	if leading == 1 && length > MaxLeadingWildcardLength {
		return &LimitError{Msg: fmt.Sprintf("queries that include a leading wildcard have a max query length of %d characters", MaxLeadingWildcardLength)}
	}
	return nil
}

// walk calls leaf for every term, range, comparison and lone *.
func walk(n Node, leaf func(Node)) {
	switch n := n.(type) {
	case *And:
		for _, c := range n.Children {
			walk(c, leaf)
		}
	case *Or:
		for _, c := range n.Children {
			walk(c, leaf)
		}
	case *Not:
		walk(n.Child, leaf)
	default:
		leaf(n)
	}
}

// Fields returns the field names the query uses (bare terms excluded).
func Fields(n Node) []string {
	var out []string
	walk(n, func(leaf Node) {
		switch l := leaf.(type) {
		case *Term:
			if l.Field != "" {
				out = append(out, l.Field)
			}
		case *Range:
			out = append(out, l.Field)
		case *Compare:
			out = append(out, l.Field)
		}
	})
	return out
}
