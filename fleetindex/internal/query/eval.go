package query

import "strings"

// Eval implements Node.
func (n *And) Eval(d Doc) bool {
	for _, c := range n.Children {
		if !c.Eval(d) {
			return false
		}
	}
	return true
}

// Eval implements Node.
func (n *Or) Eval(d Doc) bool {
	for _, c := range n.Children {
		if c.Eval(d) {
			return true
		}
	}
	return false
}

// Eval implements Node.
func (n *Not) Eval(d Doc) bool { return !n.Child.Eval(d) }

// Eval implements Node.
func (All) Eval(Doc) bool { return true }

// Eval implements Node. A bare term is searched in every field.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#query-syntax-limitations
func (n *Term) Eval(d Doc) bool {
	if n.Field == "" {
		found := false
		d.Each(func(v Value) bool {
			found = n.matches(v)
			return !found
		})
		return found
	}
	vals := d.Values(n.Field)
	if !n.Value.quoted && n.Value.MatchAll() {
		return len(vals) > 0
	}
	for _, v := range vals {
		if n.matches(v) {
			return true
		}
	}
	return false
}

// matches compares one value: numerically when both sides are numbers
// (75 equals "75.0"), else as case-insensitive text against the whole
// value or one of its words (a quoted phrase, against a run of words).
func (n *Term) matches(v Value) bool {
	if n.Value.HasWildcard() && !n.Value.quoted {
		if n.Value.matchFold(v.Text) {
			return true
		}
		for _, w := range words(v.Text) {
			if n.Value.matchFold(w) {
				return true
			}
		}
		return false
	}
	want := n.Value.Text()
	if v.IsNum {
		if f, ok := ParseNumber(want); ok && f == v.Num {
			return true
		}
	}
	if strings.EqualFold(want, v.Text) {
		return true
	}
	return containsPhrase(words(v.Text), words(want))
}

// containsPhrase reports whether the words of want occur, in order and
// contiguous, among the words of have, ignoring case.
func containsPhrase(have, want []string) bool {
	if len(want) == 0 || len(want) > len(have) {
		return false
	}
	for i := 0; i+len(want) <= len(have); i++ {
		j := 0
		for j < len(want) && strings.EqualFold(have[i+j], want[j]) {
			j++
		}
		if j == len(want) {
			return true
		}
	}
	return false
}

// Eval implements Node. Numeric bounds compare numeric values; quoted or
// non-numeric bounds compare text, ignoring case.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#index-limitations
func (n *Range) Eval(d Doc) bool {
	lo, hi, numeric := n.bounds()
	for _, v := range d.Values(n.Field) {
		if numeric && v.IsNum && inRange(v.Num, lo, hi, n) {
			return true
		}
		if !numeric && inTextRange(strings.ToLower(v.Text), n) {
			return true
		}
	}
	return false
}

func (n *Range) bounds() (lo, hi float64, numeric bool) {
	numeric = true
	var ok bool
	if !n.Lo.Open {
		if n.Lo.Value.quoted {
			numeric = false
		} else if lo, ok = ParseNumber(n.Lo.Value.Text()); !ok {
			numeric = false
		}
	}
	if !n.Hi.Open {
		if n.Hi.Value.quoted {
			numeric = false
		} else if hi, ok = ParseNumber(n.Hi.Value.Text()); !ok {
			numeric = false
		}
	}
	return lo, hi, numeric
}

func inRange(x, lo, hi float64, n *Range) bool {
	if !n.Lo.Open && (x < lo || (x == lo && !n.LoIncl)) {
		return false
	}
	if !n.Hi.Open && (x > hi || (x == hi && !n.HiIncl)) {
		return false
	}
	return true
}

func inTextRange(s string, n *Range) bool {
	if !n.Lo.Open {
		c := strings.Compare(s, strings.ToLower(n.Lo.Value.Text()))
		if c < 0 || (c == 0 && !n.LoIncl) {
			return false
		}
	}
	if !n.Hi.Open {
		c := strings.Compare(s, strings.ToLower(n.Hi.Value.Text()))
		if c > 0 || (c == 0 && !n.HiIncl) {
			return false
		}
	}
	return true
}

// Eval implements Node: a numeric operand compares numeric values only.
func (n *Compare) Eval(d Doc) bool {
	want, numeric := ParseNumber(n.Value.Text())
	numeric = numeric && !n.Value.quoted
	for _, v := range d.Values(n.Field) {
		var c int
		switch {
		case numeric && v.IsNum:
			c = cmpFloat(v.Num, want)
		case numeric:
			continue
		default:
			c = strings.Compare(strings.ToLower(v.Text), strings.ToLower(n.Value.Text()))
		}
		if holds(n.Op, c) {
			return true
		}
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func holds(op string, c int) bool {
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}
