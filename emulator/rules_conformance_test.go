package emulator_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/rulestest"
	"github.com/iotemu/iotemu/testkit"
)

// believedWrongRuleVectors lists the vectors whose expectation iotemu does
// not follow, with what is asserted instead and why (docs/compatibility.md
// "Rules engine"; the same list as rules/conformance_test.go).
var believedWrongRuleVectors = map[string]struct{ want, reason string }{
	"set-arith": {
		want: `{"celsius":23,"humidity":60}`,
		reason: "doc-suspect: the operator table says Int / Int is Int, and (75-32)*5/9 = 215/9 " +
			"truncates to 23; the doc's 23.89 is neither that nor a full-precision Decimal",
	},
}

func loadRuleVectors(t *testing.T) *rulestest.File {
	t.Helper()
	f, err := rulestest.Vectors()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestRulesConformanceOverTheWire runs every SQL vector end to end: a paho
// client publishes the vector's payload on its topic, a rule with the
// vector's SQL republishes, and a paho subscriber receives the output.
// A second rule on the same topic, named to run after the vector's rule,
// republishes to a sentinel topic: once the sentinel arrives, the vector's
// output, if any, has arrived before it, so "no match" needs no timeout.
func TestRulesConformanceOverTheWire(t *testing.T) {
	t.Parallel()
	f := loadRuleVectors(t)
	emu := testkit.Start(t)
	sub := emu.Connect(t, "conformance-sub")
	publishers := map[string]*testkit.Client{"": emu.Connect(t, "conformance-pub")}
	for _, v := range f.Vectors {
		if id := v.Context.ClientID; publishers[id] == nil {
			publishers[id] = emu.Connect(t, id)
		}
	}
	// Two wildcard subscriptions for the whole run: AWS allows 50 per
	// connection. Vectors run one at a time, so the outbox holds only the
	// current vector's output when its sentinel arrives.
	outbox, sentbox := sub.Subscribe(t, "out/#", 1), sub.Subscribe(t, "sentinel/#", 1)
	passed := 0
	for i, v := range f.Vectors {
		t.Run(v.ID, func(t *testing.T) {
			out, sentinel := fmt.Sprintf("out/%d", i), fmt.Sprintf("sentinel/%d", i)
			rule, sentinelRule := fmt.Sprintf("v_%d", i), fmt.Sprintf("zz_sentinel_%d", i)
			addRule(t, emu, rule, v.SQL, v.SQLVersion, out)
			addRule(t, emu, sentinelRule, fmt.Sprintf("SELECT * FROM '%s'", v.Topic), "2016-03-23", sentinel)
			defer func() {
				// Only this vector's rules may fire on the next vector's topic.
				_ = emu.Server().Rules().Remove(rule)
				_ = emu.Server().Rules().Remove(sentinelRule)
				drain(outbox)
			}()

			publishers[v.Context.ClientID].Publish(t, v.Topic, 1, false, v.PayloadBytes())
			if got := sentbox.Next(t, wait); got.Topic != sentinel {
				t.Fatalf("sentinel got %s, want %s", got.Topic, sentinel)
			}
			if problem := checkRuleVector(v, outbox); problem != "" {
				t.Fatal(problem)
			}
			passed++
		})
	}
	t.Logf("conformance over the wire: %d/%d SQL vectors pass (%d believed wrong)", passed, len(f.Vectors), len(believedWrongRuleVectors))
}

// drain empties an inbox whose messages have all arrived.
func drain(in *testkit.Inbox) {
	for in.Len() > 0 {
		in.Wait(0)
	}
}

// checkRuleVector compares what the vector's rule republished, all of
// which arrived before the sentinel.
func checkRuleVector(v rulestest.Vector, outbox *testkit.Inbox) string {
	if !v.Match {
		if outbox.Len() != 0 {
			m, _ := outbox.Wait(0)
			return fmt.Sprintf("republished %s, want the rule not to fire", m.Payload)
		}
		return ""
	}
	if outbox.Len() != 1 {
		return fmt.Sprintf("%d messages republished before the sentinel, want 1", outbox.Len())
	}
	m, _ := outbox.Wait(0)
	if bw, ok := believedWrongRuleVectors[v.ID]; ok {
		if d := rulestest.CompareJSON(m.Payload, []byte(bw.want)); d != "" {
			return fmt.Sprintf("believed-wrong vector (%s): %s", bw.reason, d)
		}
		return ""
	}
	return v.Check(m.Payload)
}

// addRule installs a rule with one Republish action through the Go API.
func addRule(t *testing.T, emu *testkit.Emulator, name, sql, version, topic string) {
	t.Helper()
	err := emu.Server().Rules().Add(rules.Rule{Name: name, SQL: sql, SQLVersion: version,
		Actions: []rules.Action{rules.Republish{Topic: topic, QoS: 1}}})
	if err != nil {
		t.Fatalf("add rule %s: %v", name, err)
	}
}

// TestRulesTemplateVectorsOverTheWire runs every substitution-template
// vector: the republish topic is the template, and the output must arrive
// on the expected topic. Each vector gets an emulator whose clock and UUID
// generator give the vector's context.
func TestRulesTemplateVectorsOverTheWire(t *testing.T) {
	t.Parallel()
	f := loadRuleVectors(t)
	for _, v := range f.TemplateVectors {
		t.Run(v.ID, func(t *testing.T) {
			emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) {
				if v.Context.Timestamp != 0 {
					c.Now = func() time.Time { return time.UnixMilli(v.Context.Timestamp) }
				}
				if v.Context.NewUUID != "" {
					c.NewUUID = func() string { return v.Context.NewUUID }
				}
			}))
			inbox := emu.Connect(t, "sub").Subscribe(t, v.Expected, 1)
			if err := emu.Server().Rules().Add(rules.Rule{Name: "tpl", SQL: v.SQL, SQLVersion: v.SQLVersion,
				Actions: []rules.Action{rules.Republish{Topic: v.Template, QoS: 1}}}); err != nil {
				t.Fatal(err)
			}
			emu.Connect(t, "pub").Publish(t, v.Topic, 1, false, v.PayloadBytes())
			if got := inbox.Next(t, wait); got.Topic != v.Expected {
				t.Fatalf("republished to %q, want %q", got.Topic, v.Expected)
			}
		})
	}
}
