package customauth

import (
	"testing"
	"time"
)

func newPersistStore() *Store {
	now := func() time.Time { return time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC) }
	return NewStore(now, func(name string) string { return "arn:aws:iot:us-east-1:123456789012:authorizer/" + name })
}

// TestStoreSnapshotRestore: a store restored from another's snapshot has
// the same authorizers and default; another version is refused.
func TestStoreSnapshotRestore(t *testing.T) {
	a := newPersistStore()
	if _, err := a.Create(&Authorizer{Name: "auth", FunctionARN: "fn", SigningDisabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetDefault("auth"); err != nil {
		t.Fatal(err)
	}
	raw, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	b := newPersistStore()
	if err := b.Restore(raw); err != nil {
		t.Fatal(err)
	}
	if d, err := b.Default(); err != nil || d.Name != "auth" || d.FunctionARN != "fn" || d.ARN == "" {
		t.Fatalf("default after restore: %+v %v", d, err)
	}
	again, err := b.Snapshot()
	if err != nil || string(again) != string(raw) {
		t.Fatalf("snapshot of the restored store differs:\n%s\n%s", raw, again)
	}
	if err := b.Restore([]byte(`{"version":2}`)); err == nil {
		t.Fatal("Restore accepted another version")
	}
}

// FuzzRestore: Restore refuses or accepts any bytes without panicking; a
// refused document leaves the store as it was.
func FuzzRestore(f *testing.F) {
	s := newPersistStore()
	_, _ = s.Create(&Authorizer{Name: "auth", FunctionARN: "fn", SigningDisabled: true})
	raw, _ := s.Snapshot()
	f.Add(raw)
	f.Add([]byte(`{"version":1,"authorizers":[null]}`))
	f.Add([]byte(`{"version":1,"default":"none"}`))
	f.Add([]byte(`{"version":1,"authorizers":[{"Name":"a","FunctionARN":"f","TokenKeyName":"t","TokenSigningPublicKeys":{"k":"junk"}}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		st := newPersistStore()
		if _, err := st.Create(&Authorizer{Name: "keep", FunctionARN: "fn", SigningDisabled: true}); err != nil {
			t.Fatal(err)
		}
		if err := st.Restore(doc); err != nil {
			if _, gerr := st.Get("keep"); gerr != nil {
				t.Fatalf("a refused restore changed the store: %v", gerr)
			}
			return
		}
		if _, err := st.Snapshot(); err != nil {
			t.Fatalf("snapshot after restore: %v", err)
		}
	})
}
