package rules_test

import (
	"testing"

	"github.com/iotemu/iotemu/rules"
)

// TestMatches: the broker's pre-check agrees with Handle — enabled rules
// whose FROM matches, and every Basic Ingest topic.
func TestMatches(t *testing.T) {
	e := newEngine(t, rules.Config{})
	mustAdd(t, e, rules.Rule{Name: "on", SQL: "SELECT * FROM 'a/+'"})
	mustAdd(t, e, rules.Rule{Name: "off", SQL: "SELECT * FROM 'b/#'", Disabled: true})
	for topic, want := range map[string]bool{
		"a/1": true, "a/1/2": false, "b/1": false, "c": false,
		"$aws/rules/anything/x": true, "$aws/rules/": false,
	} {
		if got := e.Matches(topic); got != want {
			t.Errorf("Matches(%q) = %v, want %v", topic, got, want)
		}
	}
	if err := e.Enable("off"); err != nil {
		t.Fatal(err)
	}
	if !e.Matches("b/1") {
		t.Error("Matches(b/1) after Enable = false")
	}
}

// TestDefinitionKept: Definition survives Disable and is replaced by Replace.
func TestDefinitionKept(t *testing.T) {
	e := newEngine(t, rules.Config{})
	mustAdd(t, e, rules.Rule{Name: "r", SQL: "SELECT * FROM 'a'", Definition: "v1"})
	if err := e.Disable("r"); err != nil {
		t.Fatal(err)
	}
	if info, _ := e.Get("r"); info.Definition != "v1" || !info.Disabled {
		t.Fatalf("after Disable: %+v", info)
	}
	if err := e.Replace(rules.Rule{Name: "r", SQL: "SELECT * FROM 'a'", Definition: "v2"}); err != nil {
		t.Fatal(err)
	}
	if info, _ := e.Get("r"); info.Definition != "v2" {
		t.Fatalf("after Replace: Definition %v", info.Definition)
	}
}
