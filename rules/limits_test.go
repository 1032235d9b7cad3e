package rules_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/rules"
)

// doublingSQL is the attack of issue 13: a SET chain of doubling concats
// (2^40 bytes if nothing stopped it).
func doublingSQL() string {
	var b strings.Builder
	b.WriteString("SET @v0 = 'xxxxxxxx'")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, ", @v%d = concat(@v%d, @v%d)", i, i-1, i-1)
	}
	b.WriteString(" SELECT @v40 AS big FROM 'attack'")
	return b.String()
}

// errorPayload returns the one error action message a recorder received.
func errorPayload(t *testing.T, rec *rules.Recorder) rules.ErrorPayload {
	t.Helper()
	outs := rec.Outputs()
	if len(outs) != 1 {
		t.Fatalf("error action ran %d times, want 1", len(outs))
	}
	var p rules.ErrorPayload
	if err := json.Unmarshal(outs[0].Payload, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDoublingConcatStopped: the attack fails promptly with the memory
// limit (Go-side work included), runs no action, and the error action gets
// AWS's error payload naming the action that could not run.
func TestDoublingConcatStopped(t *testing.T) {
	e := newEngine(t, rules.Config{})
	pub := &capturePublisher{}
	errRec := &rules.Recorder{}
	mustAdd(t, e, rules.Rule{Name: "attack", SQL: doublingSQL(),
		Actions: []rules.Action{rules.Republish{Topic: "out", Publisher: pub}}, ErrorAction: errRec})
	start := time.Now()
	res, err := e.Handle(context.Background(), rules.Message{Topic: "attack", ClientID: "c1", Payload: []byte(`{}`)})
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("evaluation took %v, want well under the 2 s time limit", elapsed)
	}
	if err != nil || len(res) != 1 || !errors.Is(res[0].Err, rules.ErrEvalTooLarge) || res[0].Fired {
		t.Fatalf("result = %+v, %v; want ErrEvalTooLarge", res, err)
	}
	if len(pub.all()) != 0 {
		t.Error("the action ran")
	}
	p := errorPayload(t, errRec)
	if p.RuleName != "attack" || p.Topic != "attack" || p.ClientID != "c1" || len(p.Failures) != 1 ||
		p.Failures[0].FailedAction != "RepublishAction" || !strings.Contains(p.Failures[0].ErrorMessage, "memory limit") {
		t.Errorf("error payload = %+v", p)
	}
}

// TestSharedStructureBounded: arrays that share elements are small in
// memory but exponential when serialized or compared; both stop: the
// output at the size limit, the comparison at the time limit.
func TestSharedStructureBounded(t *testing.T) {
	var set strings.Builder
	set.WriteString("SET @a0 = [1, 2]")
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&set, ", @a%d = [@a%d, @a%d]", i, i-1, i-1)
	}
	e := newEngine(t, rules.Config{EvalTimeout: 300 * time.Millisecond})
	mustAdd(t, e, rules.Rule{Name: "out", SQL: set.String() + " SELECT @a60 AS x FROM 'shared'"})
	mustAdd(t, e, rules.Rule{Name: "where", SQL: set.String() + " SELECT 1 AS x FROM 'shared' WHERE @a60 = @a60"})
	start := time.Now()
	res, err := e.Handle(context.Background(), rules.Message{Topic: "shared", Payload: []byte(`{}`)})
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("evaluations took %v", elapsed)
	}
	if err != nil || len(res) != 2 {
		t.Fatalf("results %+v, %v", res, err)
	}
	// Serializing stops at 1 MiB, or at the time limit first when the
	// machine is slow (the race detector): either bounds it.
	if !errors.Is(res[0].Err, rules.ErrEvalTooLarge) && !errors.Is(res[0].Err, rules.ErrEvalTimeout) {
		t.Errorf("output of a shared structure: %v, want ErrEvalTooLarge or ErrEvalTimeout", res[0].Err)
	}
	if !errors.Is(res[1].Err, rules.ErrEvalTimeout) {
		t.Errorf("comparison of a shared structure: %v, want ErrEvalTimeout", res[1].Err)
	}
}

// TestHugeRepublishRefused: an output past AWS's 128 KB message size is
// not republished; the action fails and the error action fires. An output
// at the limit goes out.
func TestHugeRepublishRefused(t *testing.T) {
	e := newEngine(t, rules.Config{})
	pub := &capturePublisher{}
	errRec := &rules.Recorder{}
	mustAdd(t, e, rules.Rule{Name: "big", SQL: "SELECT VALUE concat(s, s) FROM 'big'",
		Actions: []rules.Action{rules.Republish{Topic: "out", Publisher: pub}}, ErrorAction: errRec})
	s := strings.Repeat("a", 70*1024)
	res, err := e.Handle(context.Background(), rules.Message{Topic: "big", Payload: []byte(`{"s":"` + s + `"}`)})
	if err != nil || len(res) != 1 || len(res[0].ActionErrors) != 1 || !errors.Is(res[0].ActionErrors[0], rules.ErrPayloadTooLarge) {
		t.Fatalf("result %+v, %v; want the republish refused", res, err)
	}
	if len(pub.all()) != 0 {
		t.Error("a 140 KB message was republished")
	}
	if p := errorPayload(t, errRec); p.Failures[0].FailedAction != "RepublishAction" {
		t.Errorf("error payload %+v", p)
	}
	s = strings.Repeat("a", 64*1024-1) // "…" quoted: 128 KB exactly
	if _, err := e.Handle(context.Background(), rules.Message{Topic: "big", Payload: []byte(`{"s":"` + s + `"}`)}); err != nil {
		t.Fatal(err)
	}
	if got := pub.all(); len(got) != 1 || len(got[0].Payload) != rules.MaxPayloadBytes {
		t.Errorf("at the limit: %d messages", len(got))
	}
}
