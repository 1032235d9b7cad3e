package query

import (
	"strings"
	"unicode"
)

// wildcard marks a rune of a Pattern: 0 is a literal rune, '*' any run of
// runes, '?' exactly one rune.
type wildcard byte

// prune is one rune of a query value and whether it is a wildcard.
type prune struct {
	r    rune
	wild wildcard
}

// Pattern is a query value as written: its runes with escapes removed,
// each marked literal or wildcard, and whether it was a quoted phrase.
type Pattern struct {
	runes  []prune
	quoted bool
}

// Text is the value with wildcards shown as * and ?, and no escapes.
func (p Pattern) Text() string {
	var b strings.Builder
	for _, r := range p.runes {
		b.WriteRune(r.r)
	}
	return b.String()
}

// HasWildcard reports whether any rune is a * or ? wildcard.
func (p Pattern) HasWildcard() bool {
	for _, r := range p.runes {
		if r.wild != 0 {
			return true
		}
	}
	return false
}

// MatchAll reports whether the pattern is a lone *, the existence test
// (`field:*`) or, without a field, the match-everything query.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/example-queries.html#example-queries
func (p Pattern) MatchAll() bool {
	return len(p.runes) == 1 && p.runes[0].wild == '*'
}

// LeadingWildcard reports a pattern that starts with a wildcard (other
// than the lone *), which AWS limits to one term per query.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#supported-query-syntax
func (p Pattern) LeadingWildcard() bool {
	return len(p.runes) > 0 && p.runes[0].wild != 0 && !p.MatchAll()
}

// matchFold reports whether s matches the wildcard pattern, ignoring case
// ("Search is case insensitive").
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#query-syntax-limitations
func (p Pattern) matchFold(s string) bool {
	return globFold(p.runes, foldRunes(s))
}

// globFold is an iterative glob match with single-star backtracking, so
// hostile patterns stay linear in practice and never recurse.
func globFold(pat []prune, s []rune) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(pat) && pat[pi].wild == '*':
			star, mark = pi, si
			pi++
		case pi < len(pat) && (pat[pi].wild == '?' || lowerRune(pat[pi].r) == s[si]):
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi].wild == '*' {
		pi++
	}
	return pi == len(pat)
}

// foldRunes lowers s rune by rune, the same folding lowerRune applies to
// the pattern, so both sides always have the same length in runes.
func foldRunes(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		rs[i] = unicode.ToLower(r)
	}
	return rs
}

func lowerRune(r rune) rune { return unicode.ToLower(r) }
