package faults

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/iotemu/iotemu/internal/topic"
)

// Engine holds the injected faults; it is safe for concurrent use. The
// zero Engine is not usable: call New. A nil *Engine has no faults, so the
// checks cost one nil test when fault injection is unused.
type Engine struct {
	mu     sync.Mutex
	seq    int
	faults map[string]*Fault
}

// New returns an engine without faults.
func New() *Engine { return &Engine{faults: map[string]*Fault{}} }

// Add validates and stores a fault, returning it with its ID. A
// disconnect is validated only: the caller acts on it.
func (e *Engine) Add(f Fault) (Fault, error) {
	if err := f.validate(); err != nil {
		return Fault{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	f.ID = "fault-" + strconv.Itoa(e.seq)
	f.Remaining = f.Count
	if f.Kind != Disconnect {
		stored := f
		e.faults[f.ID] = &stored
	}
	return f, nil
}

// Remove deletes a fault; false if there is none with that ID.
func (e *Engine) Remove(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.faults[id]
	delete(e.faults, id)
	return ok
}

// Reset removes every fault.
func (e *Engine) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = map[string]*Fault{}
}

// List returns the faults in the order they were added.
func (e *Engine) List() []Fault {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Fault, 0, len(e.faults))
	for _, f := range e.faults {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b Fault) int { return cmp.Compare(idNumber(a.ID), idNumber(b.ID)) })
	return out
}

func idNumber(id string) int {
	n, _ := strconv.Atoi(id[len("fault-"):])
	return n
}

// Drops reports whether one delivery of topic name to client is dropped;
// a counted drop is used up by it.
func (e *Engine) Drops(client, name string) bool {
	return e.delivery(Drop, client, name) != nil
}

// Delays returns how long one delivery of topic name to client waits (0:
// none); a counted delay is used up by it.
func (e *Engine) Delays(client, name string) time.Duration {
	if f := e.delivery(Delay, client, name); f != nil {
		return time.Duration(f.Delay)
	}
	return 0
}

// delivery finds (and uses once) the first fault of kind matching a
// delivery; it returns a copy.
func (e *Engine) delivery(kind Kind, client, name string) *Fault {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.faults) == 0 {
		return nil
	}
	for _, id := range e.sortedIDs() {
		f := e.faults[id]
		if f.Kind == kind && f.matchesDelivery(client, name) {
			e.useOne(f)
			c := *f
			return &c
		}
	}
	return nil
}

func (f *Fault) matchesDelivery(client, name string) bool {
	return (f.Client == "" || f.Client == client) && (f.Topic == "" || topic.Match(f.Topic, name))
}

// useOne counts a use of a counted fault, removing it once used up.
func (e *Engine) useOne(f *Fault) {
	if f.Count == 0 {
		return
	}
	f.Remaining--
	if f.Remaining <= 0 {
		delete(e.faults, f.ID)
	}
}

func (e *Engine) sortedIDs() []string {
	ids := make([]string, 0, len(e.faults))
	for id := range e.faults {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(idNumber(a), idNumber(b)) })
	return ids
}

// ErrInjected is wrapped by the errors of injected failures.
var ErrInjected = errors.New("injected fault")

// ActionFailure returns the injected failure of an action of rule of the
// given type (the AWS action member name), nil if none applies.
func (e *Engine) ActionFailure(rule, actionType string) error {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, id := range e.sortedIDs() {
		f := e.faults[id]
		if f.Kind == FailAction && (f.Rule == "" || f.Rule == rule) && (f.Action == "" || f.Action == actionType) {
			return injected(f, "the action's target failed")
		}
	}
	return nil
}

// LambdaFailure returns the injected failure of an invocation of
// function and whether it is a timeout; nil if none applies.
func (e *Engine) LambdaFailure(function string) (timeout bool, err error) {
	if e == nil {
		return false, nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, id := range e.sortedIDs() {
		f := e.faults[id]
		if f.Kind == FailLambda && sameFunction(f.Function, function) {
			return f.Timeout, injected(f, "the function failed")
		}
	}
	return false, nil
}

// sameFunction compares function references by name: "f" matches
// "arn:aws:lambda:...:function:f" and its qualified forms.
func sameFunction(a, b string) bool { return functionName(a) == functionName(b) }

func functionName(ref string) string {
	const marker = ":function:"
	for i := 0; i+len(marker) <= len(ref); i++ {
		if ref[i:i+len(marker)] == marker {
			ref = ref[i+len(marker):]
			break
		}
	}
	for i := range len(ref) {
		if ref[i] == ':' {
			return ref[:i]
		}
	}
	return ref
}

// Throttled reports whether client's publishes are throttled.
func (e *Engine) Throttled(client string) bool {
	if e == nil {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, f := range e.faults {
		if f.Kind == Throttle && f.Client == client {
			return true
		}
	}
	return false
}

func injected(f *Fault, def string) error {
	msg := f.Message
	if msg == "" {
		msg = def
	}
	return &Error{FaultID: f.ID, Message: msg}
}

// Error is an injected failure.
type Error struct {
	FaultID string
	Message string
}

func (e *Error) Error() string { return e.Message + " (iotemu " + e.FaultID + ")" }

// Unwrap makes errors.Is(err, ErrInjected) true.
func (e *Error) Unwrap() error { return ErrInjected }
