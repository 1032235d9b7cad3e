package query

import (
	"errors"
	"testing"
)

// FuzzParse: Parse never panics, and what it accepts prints to a query
// that parses to the same canonical form.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"abc", "thingName:my*", "attributes.a:[75 TO 80]", `attributes.s:["abcd" TO "abcf"]`,
		"attributes.attr1:abc AND attributes.attr2<5 NOT attributes.attr3>10",
		"shadow.reported.stats.battery:{70 TO 100} (v2 OR v3) NOT attributes.model:legacy",
		"thingName:(tv* AND -plasma)", `a\:b:"x y"`, "connectivity.timestamp > 1557651600000",
		"x:-5", "x:[-1 TO *]", "NOT NOT a", "+a -b",
	} {
		f.Add(s)
	}
	doc := MapDoc{"thingName": {String("tv1")}, "a": {Auto("5")}}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := Parse(q)
		if err != nil {
			return
		}
		n.Eval(doc)
		printed := n.String()
		again, err := Parse(printed)
		if err != nil {
			if le := (*LimitError)(nil); errors.As(err, &le) {
				return // printing may lengthen a leading-wildcard query past 100
			}
			t.Fatalf("Parse(%q) ok, but its form %q fails: %v", q, printed, err)
		}
		if again.String() != printed {
			t.Fatalf("round trip of %q: %q then %q", q, printed, again.String())
		}
	})
}
