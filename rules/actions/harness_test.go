package actions_test

import (
	"context"
	"encoding/json"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions"
)

// fixedNow is the clock of the tests: timestamp() and CloudWatch times.
var fixedNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// run adds a rule "r" (SQL version 2016-03-23) with one action given as
// TopicRulePayload JSON and an error action recorder, handles one message
// and returns the action's record and the error payload (nil when no
// action failed).
func run(t *testing.T, env *actions.Env, sql, kind, body string, m rules.Message) (rules.ActionRecord, *rules.ErrorPayload) {
	t.Helper()
	var mu sync.Mutex
	var recs []rules.ActionRecord
	e, err := rules.NewEngine(rules.Config{
		Now: func() time.Time { return fixedNow }, NewUUID: func() string { return "00000000-0000-4000-8000-000000000000" },
		OnAction: func(r rules.ActionRecord) { mu.Lock(); recs = append(recs, r); mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := env.Parse(kind, []byte(body), "topicRulePayload.actions.1."+kind)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	errRec := &rules.Recorder{}
	if err := e.Add(rules.Rule{Name: "r", SQL: sql, SQLVersion: "2016-03-23", Actions: []rules.Action{a}, ErrorAction: errRec}); err != nil {
		t.Fatalf("Add: %v", err)
	}
	if m.Timestamp.IsZero() {
		m.Timestamp = fixedNow
	}
	if _, err := e.Handle(context.Background(), m); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(recs) == 0 {
		t.Fatal("no action record")
	}
	outs := errRec.Outputs()
	if len(outs) == 0 {
		return recs[0], nil
	}
	var p rules.ErrorPayload
	if err := json.Unmarshal(outs[0].Payload, &p); err != nil {
		t.Fatal(err)
	}
	return recs[0], &p
}

// closedPort returns a loopback URL nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return "http://" + addr
}

func newEnv(t *testing.T, cfg actions.Config) *actions.Env {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixedNow }
	}
	if cfg.NewUUID == nil {
		cfg.NewUUID = func() string { return "11111111-1111-4111-8111-111111111111" }
	}
	env, err := actions.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
