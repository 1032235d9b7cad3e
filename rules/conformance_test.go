package rules_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/rulestest"
)

// believedWrong lists vectors whose expectation iotemu deliberately does not
// follow, with what is asserted instead and why (docs/compatibility.md "Rules engine").
var believedWrong = map[string]struct{ want, reason string }{
	"set-arith": {
		want: `{"celsius":23,"humidity":60}`,
		reason: "doc-suspect: the operator table says Int / Int is Int, and (75-32)*5/9 = 215/9 " +
			"truncates to 23; the doc's 23.89 is neither that nor a full-precision Decimal",
	},
}

func loadVectors(tb testing.TB) *rulestest.File {
	tb.Helper()
	f, err := rulestest.Vectors()
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

var fixedNow = time.UnixMilli(1700000000000)

func vectorEngine(tb testing.TB, c rulestest.Context, pub rules.Publisher) *rules.Engine {
	tb.Helper()
	uuid := c.NewUUID
	if uuid == "" {
		uuid = "00000000-0000-0000-0000-000000000000"
	}
	e, err := rules.NewEngine(rules.Config{
		Now:       func() time.Time { return fixedNow },
		NewUUID:   func() string { return uuid },
		AccountID: c.AccountID,
		Publisher: pub,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func vectorMessage(topic string, payload []byte, c rulestest.Context) rules.Message {
	m := rules.Message{Topic: topic, Payload: payload, ClientID: c.ClientID}
	if c.Timestamp != 0 {
		m.Timestamp = time.UnixMilli(c.Timestamp)
	}
	return m
}

func TestConformanceVectors(t *testing.T) {
	f := loadVectors(t)
	passed := 0
	for _, v := range f.Vectors {
		t.Run(v.ID, func(t *testing.T) {
			rec := &rules.Recorder{}
			e := vectorEngine(t, v.Context, nil)
			err := e.Add(rules.Rule{Name: "vector", SQL: v.SQL, SQLVersion: v.SQLVersion, Actions: []rules.Action{rec}})
			if err != nil {
				t.Fatalf("add rule: %v", err)
			}
			res, err := e.Handle(context.Background(), vectorMessage(v.Topic, v.PayloadBytes(), v.Context))
			if err != nil {
				t.Fatalf("handle: %v", err)
			}
			for _, r := range res {
				if r.Err != nil {
					t.Fatalf("evaluate: %v", r.Err)
				}
			}
			outs := rec.Outputs()
			if !v.Match {
				if len(outs) != 0 {
					t.Fatalf("got %d outputs (%s), want the rule not to fire", len(outs), outs[0].Payload)
				}
				passed++
				return
			}
			if len(outs) != 1 {
				t.Fatalf("got %d outputs, want 1", len(outs))
			}
			if bw, ok := believedWrong[v.ID]; ok {
				if d := rulestest.CompareJSON(outs[0].Payload, []byte(bw.want)); d != "" {
					t.Fatalf("believed-wrong vector (%s): %s", bw.reason, d)
				}
				t.Logf("vector %s believed wrong: %s; asserted %s", v.ID, bw.reason, bw.want)
				passed++
				return
			}
			if d := v.Check(outs[0].Payload); d != "" {
				t.Fatal(d)
			}
			passed++
		})
	}
	t.Logf("conformance: %d/%d SQL vectors pass (%d believed wrong)", passed, len(f.Vectors), len(believedWrong))
}

// capturePublisher records republished messages.
type capturePublisher struct {
	mu   sync.Mutex
	msgs []rules.Outbound
}

func (p *capturePublisher) Republish(_ context.Context, m rules.Outbound) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.msgs = append(p.msgs, m)
	return nil
}

func (p *capturePublisher) all() []rules.Outbound {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]rules.Outbound(nil), p.msgs...)
}

func TestConformanceTemplateVectors(t *testing.T) {
	f := loadVectors(t)
	for _, v := range f.TemplateVectors {
		t.Run(v.ID, func(t *testing.T) {
			pub := &capturePublisher{}
			e := vectorEngine(t, v.Context, pub)
			err := e.Add(rules.Rule{Name: "tpl", SQL: v.SQL, SQLVersion: v.SQLVersion,
				Actions: []rules.Action{rules.Republish{Topic: v.Template}}})
			if err != nil {
				t.Fatalf("add rule: %v", err)
			}
			res, err := e.Handle(context.Background(), vectorMessage(v.Topic, v.PayloadBytes(), v.Context))
			if err != nil || len(res) != 1 || res[0].Err != nil || len(res[0].ActionErrors) != 0 {
				t.Fatalf("handle: %v %+v", err, res)
			}
			msgs := pub.all()
			if len(msgs) != 1 {
				t.Fatalf("got %d republished messages, want 1", len(msgs))
			}
			if got := msgs[0].Topic; got != v.Expected {
				t.Errorf("got %q, want %q", got, v.Expected)
			}
		})
	}
}

func TestConformanceRuleNames(t *testing.T) {
	f := loadVectors(t)
	for _, v := range f.RuleNameVectors {
		e := vectorEngine(t, rulestest.Context{}, nil)
		err := e.Add(rules.Rule{Name: v.RuleName, SQL: "SELECT * FROM 'a'"})
		if got := err == nil; got != v.Valid {
			t.Errorf("rule name %q: got valid=%v (%v), want %v", v.RuleName, got, err, v.Valid)
		}
		if err != nil && rules.ErrorCode(err) != rules.CodeInvalidRequest {
			t.Errorf("rule name %q: got code %q, want %q", v.RuleName, rules.ErrorCode(err), rules.CodeInvalidRequest)
		}
	}
}
