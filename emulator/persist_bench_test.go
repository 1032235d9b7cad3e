package emulator

import (
	"fmt"
	"log/slog"
	"testing"

	iotreg "github.com/iotemu/iotemu/registry"
)

// BenchmarkFlushUnchanged: what a commit costs when nothing changed (every
// snapshot area encoded and compared, nothing written), with an empty
// registry and with 1,000 things: the CPU part of each jobs or
// provisioning MQTT request with a data directory.
func BenchmarkFlushUnchanged(b *testing.B) {
	for _, n := range []int{0, 1000} {
		b.Run(fmt.Sprintf("things=%d", n), func(b *testing.B) {
			srv, err := New(Config{DataDir: b.TempDir(), Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = srv.persist.close() })
			for i := range n {
				if _, err := srv.iotreg.CreateThing(iotreg.CreateThingInput{Name: fmt.Sprintf("thing-%04d", i),
					Attributes: map[string]string{"n": fmt.Sprint(i)}}); err != nil {
					b.Fatal(err)
				}
			}
			if err := srv.persist.flush(); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if err := srv.persist.flush(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
