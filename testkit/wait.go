package testkit

import (
	"testing"
	"time"
)

// pollInterval is how often Eventually re-checks its condition.
const pollInterval = 5 * time.Millisecond

// Eventually calls check until it returns nil, failing tb with check's last
// error if that does not happen within timeout. Use it instead of sleeping.
func Eventually(tb testing.TB, timeout time.Duration, check func() error) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("testkit: condition not met within %v: %v", timeout, err)
		}
		<-tick.C
	}
}
