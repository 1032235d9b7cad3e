package emulator_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/testkit"
)

// TestRuleFixtures: the rules of the example fixtures file are created
// from their TopicRulePayload and act on MQTT messages.
func TestRuleFixtures(t *testing.T) {
	t.Parallel()
	f, err := os.Open("../fixtures/testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set, err := fixtures.Parse(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) { c.Fixtures = set }))
	info, err := emu.Server().Rules().Get("hot_sensors")
	if err != nil || info.SQLVersion != "2016-03-23" {
		t.Fatalf("hot_sensors: %+v %v", info, err)
	}
	inbox := emu.Connect(t, "sub").Subscribe(t, "alerts/#", 1)
	pub := emu.Connect(t, "pub")
	pub.Publish(t, "sensors/s1", 1, false, []byte(`{"celsius":25}`))
	pub.Publish(t, "sensors/s2", 1, false, []byte(`{"celsius":35}`))
	if m := inbox.Next(t, wait); m.Topic != "alerts/s2" || string(m.Payload) != `{"celsius":35,"device":"s2"}` {
		t.Fatalf("republished %s %s", m.Topic, m.Payload)
	}
}

// TestRuleFixturesErrors: invalid fixture rules are reported, each with
// its index and name, with the control plane's validation.
func TestRuleFixturesErrors(t *testing.T) {
	srv, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Close(context.Background()) }()
	err = srv.Apply(context.Background(), &fixtures.Set{Rules: []fixtures.Rule{
		{Name: "ok", TopicRulePayload: []byte(`{"sql":"SELECT * FROM 'a'","actions":[]}`)},
		{Name: "bad-name", TopicRulePayload: []byte(`{"sql":"SELECT * FROM 'a'","actions":[]}`)},
		{Name: "bad_sql", TopicRulePayload: []byte(`{"sql":"SELECT FROM","actions":[]}`)},
		{Name: "ok", TopicRulePayload: []byte(`{"sql":"SELECT * FROM 'a'","actions":[]}`)},
	}})
	for _, want := range []string{"rules[1] (bad-name)", "rules[2] (bad_sql)", "SqlParseException", "rules[3] (ok)"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Apply: got %v, want it to mention %q", err, want)
		}
	}
	if _, err := srv.Rules().Get("ok"); err != nil {
		t.Errorf("valid fixture rule not created: %v", err)
	}
}

// TestConfigRules: Go rules in Config.Rules are installed by New, and an
// invalid one makes New fail.
func TestConfigRules(t *testing.T) {
	t.Parallel()
	rec := &rules.Recorder{}
	emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) {
		c.Rules = []rules.Rule{{Name: "go_rule", SQL: "SELECT * FROM 'go/t'", Actions: []rules.Action{rec}}}
	}))
	emu.Connect(t, "pub").Publish(t, "go/t", 1, false, []byte(`{"a":1}`))
	if _, err := rec.WaitN(1, wait); err != nil {
		t.Fatal(err)
	}
	if _, err := emulator.New(emulator.Config{Rules: []rules.Rule{{Name: "bad", SQL: "SELECT"}}}); err == nil {
		t.Fatal("New with an invalid rule: got nil error")
	}
}
