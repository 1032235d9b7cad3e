package query

import (
	"errors"
	"testing"
)

// TestParseShapes checks how each construct of the syntax page parses,
// in the canonical fully parenthesised form.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#supported-query-syntax
func TestParseShapes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abc", "abc"},
		{"*", "*"},
		{"thingName:my*", "thingName:my*"},
		{"thingName:ab?", "thingName:ab?"},
		{"attributes.myAttribute:[75 TO 80]", "attributes.myAttribute:[75 TO 80]"},
		{"attributes.myAttribute:{75 TO 80]", "attributes.myAttribute:{75 TO 80]"},
		{`attributes.serialNumber:["abcd" TO "abcf"]`, `attributes.serialNumber:["abcd" TO "abcf"]`},
		{"attributes.x:[10 TO *]", "attributes.x:[10 TO *]"},
		{"attributes.attr1:abc AND attributes.attr2<5 NOT attributes.attr3>10",
			"(attributes.attr1:abc AND attributes.attr2<5 AND (NOT attributes.attr3>10))"},
		{"thingName:abc thingType:xyz", "(thingName:abc AND thingType:xyz)"},
		{"a OR b c", "(a OR (b AND c))"},
		{"a AND (b OR c)", "(a AND (b OR c))"},
		{"thingName:(tv* AND -plasma)", "(thingName:tv* AND (NOT thingName:plasma))"},
		{"parentGroupNames:(g1 OR g2)", "(parentGroupNames:g1 OR parentGroupNames:g2)"},
		{"connectivity.timestamp > 1557651600000", "connectivity.timestamp>1557651600000"},
		{"connectivity.timestamp : [1 TO 2]", "connectivity.timestamp:[1 TO 2]"},
		{"attributes.x:>=5", "attributes.x>=5"},
		{"attributes.x:-5", `attributes.x:\-5`},
		{"attributes.x:[-10 TO -1]", `attributes.x:[\-10 TO \-1]`},
		{`attributes.x:"hello world"`, `attributes.x:"hello world"`},
		{`thingName:a\:b`, `thingName:a\:b`},
		{`thingName:a\*`, `thingName:a\*`},
		{`shadow.name.a\:b.reported.x:1`, `shadow.name.a\:b.reported.x:1`},
		{"-thingName:a", "(NOT thingName:a)"},
		{"+thingName:a", "thingName:a"},
		{"NOT NOT a", "(NOT (NOT a))"},
		{"thingName:*my", "thingName:*my"},
		{"attributes.x:*", "attributes.x:*"},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := n.String(); got != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestParseErrors: malformed queries and broken limits are refused.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		in    string
		limit bool
	}{
		{"", false},
		{"   ", false},
		{"(a", false},
		{"a)", false},
		{"thingName:", false},
		{"thingName:[1 TO]", false},
		{"thingName:[1 2]", false},
		{"thingName:[1 TO 2", false},
		{"AND a", false},
		{"a OR", false},
		{"a AND", false},
		{`"abc`, false},
		{`abc\`, false},
		{"a@b", false},
		{"thingName:a/b", false},
		{"thingName:a;b", false},
		{"thingName:a,b", false},
		{"thing*:a", false},
		{"x<", false},
		{"x<a*", false},
		{"x:(y:1)", false},
		{"[1 TO 2]", false},
		{"thingName:*a AND attributes.b:*c", true},
		{"a b c d e f g h i j k l m", true},
		{"thingName:*my AND attributes.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1", true},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var se *SyntaxError
		var le *LimitError
		switch {
		case err == nil:
			t.Errorf("Parse(%q) succeeded, want an error", tt.in)
		case tt.limit && !errors.As(err, &le):
			t.Errorf("Parse(%q) = %v, want a LimitError", tt.in, err)
		case !tt.limit && !errors.As(err, &se):
			t.Errorf("Parse(%q) = %v, want a SyntaxError", tt.in, err)
		}
	}
}

// TestTwelveTermsAccepted: twelve terms is the documented maximum.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#query-syntax-limitations
func TestTwelveTermsAccepted(t *testing.T) {
	if _, err := Parse("a b c d e f g h i j k l"); err != nil {
		t.Fatalf("twelve terms: %v", err)
	}
}
