package fleetindex

import "testing"

// TestConfigSnapshotRestore: an index restored from another's snapshot
// answers the same configuration and encodes the same document.
func TestConfigSnapshotRestore(t *testing.T) {
	a := newIndex(t, fullConfig())
	raw, err := a.SnapshotConfig()
	if err != nil {
		t.Fatal(err)
	}
	b := New(Options{})
	if err := b.RestoreConfig(raw); err != nil {
		t.Fatal(err)
	}
	if again, _ := b.SnapshotConfig(); string(again) != string(raw) {
		t.Fatalf("snapshot differs:\n%s\n%s", raw, again)
	}
	if got := b.GetIndexingConfiguration().ThingIndexingConfiguration.ThingIndexingMode; got != fullConfig().ThingIndexingConfiguration.ThingIndexingMode {
		t.Fatalf("mode after restore: %s", got)
	}
}

// FuzzRestoreConfig: any bytes are restored or refused without a panic;
// a refused document leaves the configuration as it was.
func FuzzRestoreConfig(f *testing.F) {
	f.Add([]byte(`{"version":1,"config":{"thingIndexingConfiguration":{"thingIndexingMode":"REGISTRY"},"thingGroupIndexingConfiguration":{"thingGroupIndexingMode":"OFF"}}}`))
	f.Add([]byte(`{"version":1,"config":{"thingIndexingConfiguration":{"thingIndexingMode":"BOGUS"},"thingGroupIndexingConfiguration":{"thingGroupIndexingMode":"OFF"}}}`))
	f.Add([]byte(`{"version":1,"config":{}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		ix := New(Options{})
		before, _ := ix.SnapshotConfig()
		if err := ix.RestoreConfig(doc); err != nil {
			if after, _ := ix.SnapshotConfig(); string(after) != string(before) {
				t.Fatal("a refused restore changed the configuration")
			}
			return
		}
		_ = ix.GetIndexingConfiguration()
	})
}
