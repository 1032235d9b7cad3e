package actions_test

import (
	"testing"

	"github.com/iotemu/iotemu/rules/actions"
)

// TestDestinationsSnapshotRestore: destinations restored from a snapshot
// are the same, and a confirmation token from before the restore still
// confirms.
func TestDestinationsSnapshotRestore(t *testing.T) {
	a := newEnv(t, actions.Config{}).Destinations()
	vpc := a.CreateVPC(actions.VPCProperties{SubnetIDs: []string{"s"}, VpcID: "v", RoleArn: "r"})
	if err := a.Update(t.Context(), vpc.ARN, actions.DestinationDisabled); err != nil {
		t.Fatal(err)
	}
	raw, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	b := newEnv(t, actions.Config{}).Destinations()
	if err := b.Restore(raw); err != nil {
		t.Fatal(err)
	}
	got, err := b.Get(vpc.ARN)
	if err != nil || got.Status != actions.DestinationDisabled || got.VPC == nil || got.VPC.VpcID != "v" {
		t.Fatalf("after restore: %+v %v", got, err)
	}
	if again, _ := b.Snapshot(); string(again) != string(raw) {
		t.Fatalf("snapshot differs:\n%s\n%s", raw, again)
	}
	if err := b.Restore([]byte(`{"version":1,"destinations":[{"ARN":"x","Status":"BOGUS"}]}`)); err == nil {
		t.Fatal("an unknown status was accepted")
	}
}

// FuzzRestoreDestinations: any bytes are restored or refused, never a
// panic; a refused document leaves the destinations as they were.
func FuzzRestoreDestinations(f *testing.F) {
	f.Add([]byte(`{"version":1,"destinations":[{"ARN":"arn:x","Status":"ENABLED","token":"t"}]}`))
	f.Add([]byte(`{"version":1,"destinations":[{"ARN":""}]}`))
	f.Add([]byte(`{"version":2}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		d := newEnv(t, actions.Config{}).Destinations()
		keep := d.CreateVPC(actions.VPCProperties{VpcID: "v"})
		if err := d.Restore(doc); err != nil {
			if _, gerr := d.Get(keep.ARN); gerr != nil {
				t.Fatalf("a refused restore changed the destinations: %v", gerr)
			}
			return
		}
		if _, err := d.Snapshot(); err != nil {
			t.Fatal(err)
		}
	})
}
