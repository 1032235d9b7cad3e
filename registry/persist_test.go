package registry

import (
	"testing"
)

func newTestRegistry(tb testing.TB) *Registry {
	tb.Helper()
	r, err := New(Config{Region: "us-east-1", AccountID: "123456789012", KeyAlgorithm: KeyECDSAP256})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// TestSnapshotRestore: a registry restored from another's snapshot holds
// the same things, groups, policies and attachments.
func TestSnapshotRestore(t *testing.T) {
	a := newTestRegistry(t)
	if _, err := a.CreateThing(CreateThingInput{Name: "lamp", Attributes: map[string]string{"room": "k"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateThingGroup(CreateThingGroupInput{Name: "g"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreatePolicy("p", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`); err != nil {
		t.Fatal(err)
	}
	raw, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	b := newTestRegistry(t)
	if err := b.Restore(raw); err != nil {
		t.Fatal(err)
	}
	again, err := b.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(raw) {
		t.Fatalf("snapshot of the restored registry differs:\n%s\n%s", raw, again)
	}
	if th, err := b.DescribeThing("lamp"); err != nil || th.Attributes["room"] != "k" {
		t.Fatalf("DescribeThing = %+v, %v", th, err)
	}
	if err := b.Restore([]byte(`{"version":99}`)); err == nil {
		t.Fatal("Restore accepted another snapshot version")
	}
}

// FuzzRestore: Restore refuses or accepts any bytes without panicking, and
// a refused document leaves the registry as it was.
func FuzzRestore(f *testing.F) {
	r := newTestRegistry(f)
	_, _ = r.CreateThing(CreateThingInput{Name: "lamp"})
	raw, _ := r.Snapshot()
	f.Add(raw)
	f.Add([]byte(`{"version":1,"certs":[{"ID":"x","PEM":"junk"}]}`))
	f.Add([]byte(`{"version":1,"policies":[{"Name":"p","DefaultID":"1","Versions":[null]}]}`))
	f.Add([]byte(`{"version":1,"things":[{"Name":""}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		reg := newTestRegistry(t)
		if _, err := reg.CreateThing(CreateThingInput{Name: "keep"}); err != nil {
			t.Fatal(err)
		}
		if err := reg.Restore(doc); err != nil {
			if _, derr := reg.DescribeThing("keep"); derr != nil {
				t.Fatalf("a refused restore changed the registry: %v", derr)
			}
			return
		}
		if _, err := reg.Snapshot(); err != nil {
			t.Fatalf("snapshot after restore: %v", err)
		}
	})
}
