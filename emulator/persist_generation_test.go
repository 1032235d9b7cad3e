package emulator

import (
	"fmt"
	"log/slog"
	"testing"

	iotreg "github.com/iotemu/iotemu/registry"
)

// TestFlushSkipsUnchangedRegistry: a flush with an unchanged registry does
// not encode it, and a change after a flush is written by the next one
// (the registry's generation), so a restart finds every thing.
func TestFlushSkipsUnchangedRegistry(t *testing.T) {
	dir := t.TempDir()
	srv, err := New(Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := srv.iotreg.CreateThing(iotreg.CreateThingInput{Name: fmt.Sprintf("thing-%d", i)}); err != nil {
			t.Fatal(err)
		}
		if err := srv.persist.flush(); err != nil {
			t.Fatal(err)
		}
		if err := srv.persist.flush(); err != nil { // nothing changed: skipped
			t.Fatal(err)
		}
	}
	if err := srv.persist.close(); err != nil {
		t.Fatal(err)
	}
	again, err := New(Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = again.persist.close() })
	for i := range 3 {
		if _, err := again.iotreg.DescribeThing(fmt.Sprintf("thing-%d", i)); err != nil {
			t.Errorf("after restart: %v", err)
		}
	}
}
