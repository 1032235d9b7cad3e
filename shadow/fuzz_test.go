package shadow_test

import (
	"context"
	"encoding/json"
	"testing"
)

// FuzzUpdate checks the invariants of the update path on arbitrary
// payloads: no panic; an accepted document re-parses as JSON and carries
// the next version; a rejected update leaves the version unchanged; a GET
// afterwards re-parses.
func FuzzUpdate(f *testing.F) {
	for _, seed := range []string{
		`{"state":{"desired":{"a":1}}}`, `{"state":null}`, `{"state":{"reported":{"a":[1,2,{"b":null}]}}}`,
		`{"state":{"desired":{"a":{"b":{"c":{"d":{"e":{"f":1}}}}}}}}`, `{"state":{},"version":1}`,
		`{"state":{"desired":{"n":1e400}},"clientToken":"x"}`, "\xff", ``, `[]`, `{"state":{"delta":{}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		svc, _, _ := newService(t)
		ctx := context.Background()
		mustUpdate(t, svc, "t", "", `{"state":{"desired":{"a":1},"reported":{"a":2}}}`)
		before := version(t, svc, "t", "")
		b, err := svc.Update(ctx, "t", "", payload)
		after := version(t, svc, "t", "")
		if err != nil {
			if after != before {
				t.Fatalf("rejected update changed the version: got %d, want %d", after, before)
			}
			return
		}
		if !json.Valid(b) {
			t.Fatalf("accepted document is not JSON: %q", b)
		}
		if got := versionOf(t, b); got != before+1 || after != before+1 {
			t.Fatalf("version: got accepted %d stored %d, want %d", got, after, before+1)
		}
		g, err := svc.Get(ctx, "t", "")
		if err != nil || !json.Valid(g) {
			t.Fatalf("Get after update: got %q, %v; want a JSON document", g, err)
		}
	})
}
