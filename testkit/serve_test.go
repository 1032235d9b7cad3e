package testkit

import (
	"flag"
	"os"
	"testing"
)

// TestServeFlagOnlyWhenAsked: importing testkit registers -testkit.serve only
// when the command line names it, as net/http/httptest does for its flag.
func TestServeFlagOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"-test.run=X"}, false},
		{[]string{"-testkit.serve"}, true},
		{[]string{"--testkit.serve=true"}, true},
		{[]string{"-test.v", "-testkit.serve=false"}, true},
		{[]string{"testkit.serve"}, false},
		{[]string{"-testkit.served"}, false},
	} {
		if got := serveRequested(c.args); got != c.want {
			t.Errorf("serveRequested(%q) = %v, want %v", c.args, got, c.want)
		}
	}
	if (flag.Lookup("testkit.serve") != nil) != serveRequested(os.Args[1:]) {
		t.Errorf("-testkit.serve registered = %v, but the command line %q", flag.Lookup("testkit.serve") != nil, os.Args[1:])
	}
}
