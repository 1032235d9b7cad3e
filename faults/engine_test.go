package faults

import (
	"errors"
	"testing"
	"time"
)

func TestCountedDropIsUsedUp(t *testing.T) {
	e := New()
	f, err := e.Add(Fault{Kind: Drop, Topic: "a/#", Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	if e.Drops("c", "b/1") {
		t.Error("a delivery outside the filter was dropped")
	}
	if !e.Drops("c", "a/1") || !e.Drops("d", "a/2") || e.Drops("c", "a/3") {
		t.Error("want exactly two drops")
	}
	if e.Remove(f.ID) {
		t.Error("a used-up fault was still stored")
	}
}

func TestDelayFailuresAndThrottle(t *testing.T) {
	e := New()
	for _, f := range []Fault{
		{Kind: Delay, Client: "c", Delay: Duration(time.Second)},
		{Kind: FailAction, Rule: "r"},
		{Kind: FailLambda, Function: "arn:aws:lambda:us-east-1:123456789012:function:fn:live", Timeout: true},
		{Kind: Throttle, Client: "c"},
	} {
		if _, err := e.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	if d := e.Delays("c", "x"); d != time.Second || e.Delays("other", "x") != 0 {
		t.Errorf("delays: %v", d)
	}
	if err := e.ActionFailure("r", "republish"); !errors.Is(err, ErrInjected) || e.ActionFailure("s", "republish") != nil {
		t.Errorf("action failure: %v", err)
	}
	if timeout, err := e.LambdaFailure("fn"); !timeout || err == nil {
		t.Errorf("lambda failure: %v %v", timeout, err)
	}
	if !e.Throttled("c") || e.Throttled("d") {
		t.Error("throttle")
	}
	if len(e.List()) != 4 {
		t.Errorf("list: %+v", e.List())
	}
	e.Reset()
	if len(e.List()) != 0 {
		t.Error("reset left faults")
	}
	var nilEngine *Engine
	if nilEngine.Drops("c", "t") || nilEngine.Throttled("c") || nilEngine.ActionFailure("r", "a") != nil {
		t.Error("a nil engine injects faults")
	}
}

func TestInvalidFaults(t *testing.T) {
	for _, f := range []Fault{{Kind: "nope"}, {Kind: Drop}, {Kind: Delay, Client: "c"}, {Kind: FailLambda}, {Kind: Throttle}, {Kind: Drop, Client: "c", Count: -1}} {
		if _, err := New().Add(f); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", f, err)
		}
	}
}
