package shadow

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"
)

// Key identifies a shadow: a thing and a shadow name ("" for the classic
// shadow, as AWS SDKs represent it).
type Key struct {
	Thing string
	Name  string
}

// Shadow is a stored shadow document: the shape of the "initial" member of
// the conformance vectors and of a fixture.
type Shadow struct {
	// State is {"desired"?: {...}, "reported"?: {...}}; an absent or empty
	// section is left out.
	State json.RawMessage `json:"state"`
	// Metadata mirrors State, each leaf {"timestamp": epochSeconds}.
	Metadata json.RawMessage `json:"metadata"`
	// Version is the shadow version, 1 or more.
	Version int64 `json:"version"`
}

// Record is what a Store holds for a key: a live shadow, or the tombstone
// a delete leaves so that a re-created shadow continues the version.
type Record struct {
	Shadow
	// Deleted marks a tombstone; Shadow.Version is the version at deletion.
	Deleted bool
	// DeletedAt is when the tombstone was written.
	DeletedAt time.Time
}

// Store persists shadows. Implementations must be safe for concurrent use;
// the Service serialises writes per key, so Save needs no compare-and-swap.
type Store interface {
	// Load returns the record of k, and false if there is none.
	Load(ctx context.Context, k Key) (Record, bool, error)
	// Save replaces the record of k.
	Save(ctx context.Context, k Key, r Record) error
	// NamedShadows returns the names of the live (not deleted) named
	// shadows of thing, sorted ascending.
	NamedShadows(ctx context.Context, thing string) ([]string, error)
}

// MemoryStore is an in-memory Store.
type MemoryStore struct {
	mu      sync.RWMutex
	records map[Key]Record
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{records: make(map[Key]Record)}
}

// NewMemoryStoreOf returns a MemoryStore holding records (copied), e.g.
// what a data directory kept.
func NewMemoryStoreOf(records map[Key]Record) *MemoryStore {
	m := NewMemoryStore()
	for k, r := range records {
		m.records[k] = cloneRecord(r)
	}
	return m
}

// Load returns a copy of the record of k.
func (m *MemoryStore) Load(_ context.Context, k Key) (Record, bool, error) {
	m.mu.RLock()
	r, ok := m.records[k]
	m.mu.RUnlock()
	return cloneRecord(r), ok, nil
}

// Save stores a copy of r.
func (m *MemoryStore) Save(_ context.Context, k Key, r Record) error {
	r = cloneRecord(r)
	m.mu.Lock()
	m.records[k] = r
	m.mu.Unlock()
	return nil
}

// NamedShadows returns the sorted names of thing's live named shadows.
func (m *MemoryStore) NamedShadows(_ context.Context, thing string) ([]string, error) {
	m.mu.RLock()
	var names []string
	for k, r := range m.records {
		if k.Thing == thing && k.Name != "" && !r.Deleted {
			names = append(names, k.Name)
		}
	}
	m.mu.RUnlock()
	slices.Sort(names)
	return names, nil
}

func cloneRecord(r Record) Record {
	r.State = bytes.Clone(r.State)
	r.Metadata = bytes.Clone(r.Metadata)
	return r
}
