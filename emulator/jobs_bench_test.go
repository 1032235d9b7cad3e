package emulator_test

import (
	"fmt"
	"testing"

	"github.com/iotemu/iotemu/testkit"
)

// benchJobUpdate: a device's job execution update over MQTT, from PUBLISH
// to update/accepted received (with a data directory, the change is
// committed before the reply: Server.commit).
func benchJobUpdate(b *testing.B, opts ...testkit.Option) {
	b.Helper()
	emu := testkit.Start(b, append([]testkit.Option{testkit.WithThing("bench", nil)}, opts...)...)
	emu.CreateJob(b, "j1", `{"operation":"bench"}`, "bench")
	roundTrips(b, emu, "$aws/things/bench/jobs/j1/update", "$aws/things/bench/jobs/j1/update/accepted",
		func(i int) string { return fmt.Sprintf(`{"status":"IN_PROGRESS","statusDetails":{"n":"%d"}}`, i) })
}

// BenchmarkJobUpdateMQTT: memory only.
func BenchmarkJobUpdateMQTT(b *testing.B) { benchJobUpdate(b) }

// BenchmarkJobUpdateMQTTDataDir: the persistence cost of a job execution
// update (the snapshot areas encoded, the changed ones written in one
// transaction, before update/accepted).
func BenchmarkJobUpdateMQTTDataDir(b *testing.B) { benchJobUpdate(b, testkit.WithDataDir(b.TempDir())) }

// BenchmarkJobUpdateMQTTDataDir1kThings: the same with 1,000 more things
// in the registry: every commit encodes each snapshot area whole (the
// registry's too) to find what changed.
func BenchmarkJobUpdateMQTTDataDir1kThings(b *testing.B) {
	opts := []testkit.Option{testkit.WithDataDir(b.TempDir())}
	for i := range 1000 {
		opts = append(opts, testkit.WithThing(fmt.Sprintf("thing-%04d", i), map[string]string{"n": fmt.Sprint(i)}))
	}
	benchJobUpdate(b, opts...)
}
