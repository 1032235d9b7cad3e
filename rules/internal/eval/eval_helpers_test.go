package eval

import (
	"context"
	"testing"
	"time"

	"github.com/iotemu/iotemu/rules/internal/sql"
)

func testEnv(payload string) *Env {
	return &Env{
		Topic: "a/b/c", Payload: []byte(payload), ClientID: "dev1", AccountID: "123456789012",
		Timestamp: 1700000000000, NewUUID: func() string { return "00000000-0000-0000-0000-000000000000" },
		Rand: func() float64 { return 0.5 },
	}
}

// evalSQL runs one statement and returns its output ("<no match>" when the
// rule does not fire).
func evalSQL(tb testing.TB, src string, v sql.Version, env *Env) string {
	tb.Helper()
	out, err := tryEval(tb, src, v, env)
	if err != nil {
		tb.Fatalf("evaluate %q: %v", src, err)
	}
	return out
}

func tryEval(tb testing.TB, src string, v sql.Version, env *Env) (string, error) {
	tb.Helper()
	st, err := sql.Parse(src, sql.Options{Version: v})
	if err != nil {
		tb.Fatalf("parse %q: %v", src, err)
	}
	p, err := Compile(st, Compat{})
	if err != nil {
		tb.Fatalf("compile %q: %v", src, err)
	}
	ev, err := NewEvaluator(5 * time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	o, err := ev.Run(context.Background(), p, env)
	if err != nil {
		return "", err
	}
	if !o.Matched {
		return "<no match>", nil
	}
	return string(o.Payload), nil
}

// sel evaluates `SELECT <expr> AS x FROM 'a/b/c'` under 2016-03-23 and
// returns the JSON output.
func sel(tb testing.TB, expr, payload string) string {
	tb.Helper()
	return evalSQL(tb, "SELECT "+expr+" AS x FROM 'a/b/c'", sql.V20160323, testEnv(payload))
}
