package topic

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		filter, topic string
		want          bool
	}{
		{"sensor/#", "sensor", false},
		{"sensor/#", "sensor/", true},
		{"sensor/#", "sensor/t/r", true},
		{"#", "a", true},
		{"#", "$aws/x", false},
		{"+/x", "$aws/x", false},
		{"a/+", "a/b", true},
		{"a/+", "a", false},
		{"a/+", "a/b/c", false},
		{"a/+/c", "a//c", true},
		{"a/b", "a/b", true},
		{"a/b", "a/b/", false},
		{"$aws/events/#", "$aws/events/presence/connected/c", true},
	}
	for _, tt := range tests {
		if got := Match(tt.filter, tt.topic); got != tt.want {
			t.Errorf("Match(%q, %q): got %v, want %v", tt.filter, tt.topic, got, tt.want)
		}
	}
	if !MatchesParent("a/+/#", "a/b") || MatchesParent("a/#", "a/b") {
		t.Error("MatchesParent: wrong")
	}
	if Unshare("$share/g/a/b") != "a/b" || Unshare("a/b") != "a/b" {
		t.Error("Unshare: wrong")
	}
}
