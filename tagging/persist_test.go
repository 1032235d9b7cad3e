package tagging_test

import (
	"testing"

	"github.com/iotemu/iotemu/tagging"
)

// TestSnapshotRestore: tags restored from a snapshot are the same.
func TestSnapshotRestore(t *testing.T) {
	a := tagging.New()
	if err := a.Tag("arn:r", []tagging.Tag{{Key: "k", Value: str("v")}}); err != nil {
		t.Fatal(err)
	}
	raw, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	b := tagging.New()
	if err := b.Restore(raw); err != nil {
		t.Fatal(err)
	}
	if again, _ := b.Snapshot(); string(again) != string(raw) {
		t.Fatalf("snapshot differs:\n%s\n%s", raw, again)
	}
	if err := b.Restore([]byte(`{"version":0}`)); err == nil {
		t.Fatal("another version accepted")
	}
}

// FuzzRestore: any bytes are restored or refused without a panic; a
// refused document leaves the tags as they were.
func FuzzRestore(f *testing.F) {
	f.Add([]byte(`{"version":1,"tags":{"arn:r":{"k":"v"}}}`))
	f.Add([]byte(`{"version":1,"tags":{"":{}}}`))
	f.Add([]byte(`{"version":1,"tags":{"a":null}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		s := tagging.New()
		if err := s.Tag("arn:keep", []tagging.Tag{{Key: "k", Value: str("v")}}); err != nil {
			t.Fatal(err)
		}
		before, _ := s.Snapshot()
		if err := s.Restore(doc); err != nil {
			if after, _ := s.Snapshot(); string(after) != string(before) {
				t.Fatal("a refused restore changed the tags")
			}
			return
		}
		if _, err := s.Snapshot(); err != nil {
			t.Fatal(err)
		}
	})
}
