package statedoc_test

import (
	"strings"
	"testing"

	"github.com/iotemu/iotemu/internal/statedoc"
)

type doc struct {
	Version int    `json:"version"`
	Name    string `json:"name"`
}

func TestDecode(t *testing.T) {
	var d doc
	if err := statedoc.Decode("things", []byte(`{"version":2,"name":"a"}`), 2, &d); err != nil || d.Name != "a" {
		t.Fatalf("Decode = %v, %+v", err, d)
	}
	for raw, want := range map[string]string{
		`{"version":3,"name":"a"}`: "things restore: snapshot version 3, want 2",
		`{"name":"a"}`:             "things restore: snapshot version 0, want 2",
		`{"version":2,"name":1}`:   "things restore: json: cannot unmarshal",
		`[`:                        "things restore: unexpected end of JSON input",
	} {
		var d doc
		err := statedoc.Decode("things", []byte(raw), 2, &d)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Decode(%s) = %v, want %q…", raw, err, want)
		}
	}
}

// TestRWMutexGeneration: every write-locked section moves Generation,
// read-locked ones do not.
func TestRWMutexGeneration(t *testing.T) {
	var m statedoc.RWMutex
	if g := m.Generation(); g != 0 {
		t.Fatalf("new Generation = %d", g)
	}
	state := 0
	m.RLock()
	read := state
	m.RUnlock()
	for range 2 {
		m.Lock()
		state++
		m.Unlock()
	}
	if g := m.Generation(); g != 2 || read != 0 {
		t.Errorf("Generation after two writes and a read = %d, want 2", g)
	}
}
