package testkit

import (
	"testing"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/faults"
)

// InjectFault injects a fault for the rest of tb (removed by tb.Cleanup)
// and returns it with its ID: faults.Drop or faults.Delay of the next
// Count deliveries to a client or topic, faults.FailAction (the rule's
// error action runs), faults.FailLambda (an error, or a timeout),
// faults.Throttle of a client, or faults.Disconnect, which ends the
// client's connection with the chosen disconnectReason at once.
func (e *Emulator) InjectFault(tb testing.TB, f faults.Fault) emulator.Fault {
	tb.Helper()
	added, err := e.srv.AddFault(f)
	if err != nil {
		tb.Fatalf("testkit: inject fault: %v", err)
	}
	if f.Kind != faults.Disconnect {
		tb.Cleanup(func() { e.srv.RemoveFault(added.ID) })
	}
	return added
}

// Disconnect ends a client's connection as if for reason, one of AWS's
// disconnectReason values ("" means SERVER_INITIATED_DISCONNECT).
func (e *Emulator) Disconnect(tb testing.TB, clientID, reason string) {
	tb.Helper()
	e.InjectFault(tb, faults.Fault{Kind: faults.Disconnect, Client: clientID, Reason: reason})
}
