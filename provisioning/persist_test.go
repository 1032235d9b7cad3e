package provisioning_test

import (
	"context"
	"testing"
)

// TestSnapshotRestore: a service restored from another's snapshot has the
// templates and their versions and the ownership token issued before the
// snapshot (the same document encodes again).
func TestSnapshotRestore(t *testing.T) {
	t.Parallel()
	a := newFixture(t, nil)
	a.createTemplate(t, "fleet", fleetTemplate, nil)
	if topic, _ := a.mqtt(t, "$aws/certificates/create/json", "{}"); topic != "$aws/certificates/create/json/accepted" {
		t.Fatal(topic)
	}
	raw, err := a.svc.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	b := newFixture(t, nil)
	if err := b.svc.Restore(raw); err != nil {
		t.Fatal(err)
	}
	if again, err := b.svc.Snapshot(); err != nil || string(again) != string(raw) {
		t.Fatalf("snapshot of the restored service differs (%v):\n%s\n%s", err, raw, again)
	}
	if _, err := b.svc.DescribeProvisioningTemplate(context.Background(), "fleet"); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.Restore([]byte(`{"version":1,"templates":[{"name":"x","versions":[{"id":1,"body":"{"}],"defaultVersion":1,"nextVersion":2}]}`)); err == nil {
		t.Fatal("a template body that does not parse was restored")
	}
}

// FuzzRestore: any bytes are restored or refused without a panic; a
// refused document leaves the service as it was.
func FuzzRestore(f *testing.F) {
	f.Add([]byte(`{"version":1,"seq":1,"templates":[{"name":"t","versions":[{"id":1,"body":"{\"Resources\":{}}"}],"nextVersion":2,"defaultVersion":1}]}`))
	f.Add([]byte(`{"version":1,"templates":[{"name":"t","versions":[],"nextVersion":0,"defaultVersion":1}]}`))
	f.Add([]byte(`{"version":1,"tokens":[{"token":"x","certificateId":""}]}`))
	f.Add([]byte(`{"version":1,"claims":[{"certificateId":"c","template":"t"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		fx := newFixture(t, nil)
		fx.createTemplate(t, "keep", fleetTemplate, nil)
		if err := fx.svc.Restore(doc); err != nil {
			if _, derr := fx.svc.DescribeProvisioningTemplate(context.Background(), "keep"); derr != nil {
				t.Fatalf("a refused restore changed the service: %v", derr)
			}
			return
		}
		if _, err := fx.svc.Snapshot(); err != nil {
			t.Fatal(err)
		}
	})
}
