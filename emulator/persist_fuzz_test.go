package emulator

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeShadowRecord: a stored shadow the data directory hands back,
// whatever its bytes, is decoded or refused, never a panic, and what is
// accepted is a usable record.
func FuzzDecodeShadowRecord(f *testing.F) {
	f.Add("lamp\x00", []byte(`{"state":{"reported":{"on":true}},"metadata":{},"version":3}`))
	f.Add("lamp\x00named", []byte(`{"state":null,"metadata":null,"version":2,"Deleted":true,"DeletedAt":"2026-01-01T00:00:00Z"}`))
	f.Add("", []byte(`{}`))
	f.Add("x", []byte(`[`))
	f.Fuzz(func(t *testing.T, key string, v []byte) {
		k, err := decodeShadowRecord(key, v)
		if err != nil {
			return
		}
		if k.key.Thing == "" || k.rec.Version < 1 {
			t.Fatalf("accepted %q: %+v", key, k)
		}
		if !k.rec.Deleted && (!json.Valid(k.rec.State) || !json.Valid(k.rec.Metadata)) {
			t.Fatalf("accepted invalid JSON %q", v)
		}
	})
}
