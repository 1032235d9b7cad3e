package rules_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/rulestest"
)

// BenchmarkHandleOneOfThousand: one matching rule among 1,000 non-matching.
func BenchmarkHandleOneOfThousand(b *testing.B) {
	e := newEngine(b, rules.Config{})
	for i := range 1000 {
		mustAdd(b, e, rules.Rule{Name: fmt.Sprintf("other_%d", i), SQL: fmt.Sprintf("SELECT * FROM 'site/%d/+/telemetry'", i)})
	}
	rec := &rules.Recorder{}
	mustAdd(b, e, rules.Rule{Name: "hit", SQL: "SELECT temperature, deviceId FROM 'fleet/+/telemetry' WHERE temperature > 50",
		Actions: []rules.Action{rules.ActionFunc(func(context.Context, rules.Output) error { return nil })}})
	_ = rec
	m := rules.Message{Topic: "fleet/d1/telemetry", Payload: []byte(`{"deviceId":"d1","temperature":72.5,"humidity":40}`)}
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.Handle(context.Background(), m)
		if err != nil || len(res) != 1 || !res[0].Fired {
			b.Fatalf("got %+v %v", res, err)
		}
	}
}

// BenchmarkHandleNoMatch: 1,000 rules, none matching.
func BenchmarkHandleNoMatch(b *testing.B) {
	e := newEngine(b, rules.Config{})
	for i := range 1000 {
		mustAdd(b, e, rules.Rule{Name: fmt.Sprintf("other_%d", i), SQL: fmt.Sprintf("SELECT * FROM 'site/%d/+/telemetry'", i)})
	}
	m := rules.Message{Topic: "fleet/d1/telemetry", Payload: []byte(`{}`)}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = e.Handle(context.Background(), m)
	}
}

// BenchmarkEvalTypical: a typical SELECT ... WHERE on one core.
func BenchmarkEvalTypical(b *testing.B) {
	e := newEngine(b, rules.Config{})
	mustAdd(b, e, rules.Rule{Name: "r", SQL: "SELECT deviceId, temperature * 1.8 + 32 AS f, upper(status) AS s, timestamp() AS ts FROM 'fleet/+/telemetry' WHERE temperature > 20 AND status <> 'off'"})
	m := rules.Message{Topic: "fleet/d1/telemetry", Payload: []byte(`{"deviceId":"d1","temperature":22.5,"status":"on"}`)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Handle(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	const q = "SELECT deviceId, temperature * 1.8 + 32 AS f, (SELECT VALUE v FROM e WHERE n = 'x') AS vs FROM 'fleet/+/telemetry' WHERE temperature > 20 AND status <> 'off'"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rules.ParseSQL(q, "2016-03-23"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVectors runs every conformance vector once per iteration.
func BenchmarkVectors(b *testing.B) {
	f := loadVectors(b)
	e := newEngine(b, rules.Config{})
	for i, v := range f.Vectors {
		mustAdd(b, e, rules.Rule{Name: fmt.Sprintf("v%d", i), SQL: v.SQL, SQLVersion: v.SQLVersion})
	}
	msgs := make([]rules.Message, len(f.Vectors))
	for i, v := range f.Vectors {
		msgs[i] = vectorMessage(v.Topic, v.PayloadBytes(), rulestest.Context{})
	}
	for b.Loop() {
		for _, m := range msgs {
			_, _ = e.Handle(context.Background(), m)
		}
	}
}
