package testkit

import (
	"context"
	"testing"

	"github.com/iotemu/iotemu/emulator"
)

// State returns everything the emulator holds (connections and their
// subscriptions, retained messages, shadows, things, certificates, rules
// with their latest matches and action records, API Gateway connections,
// jobs): what GET /iotemu/state answers.
func (e *Emulator) State(tb testing.TB) emulator.State {
	tb.Helper()
	st, err := e.srv.State(context.Background())
	if err != nil {
		tb.Fatalf("testkit: state: %v", err)
	}
	return st
}

// Reset empties the named areas (emulator.AreaConnections, ...; all of
// them when none is named) and re-applies the fixtures and configured
// rules, as POST /iotemu/reset does.
func (e *Emulator) Reset(tb testing.TB, areas ...string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	if err := e.srv.Reset(ctx, areas...); err != nil {
		tb.Fatalf("testkit: reset: %v", err)
	}
}
