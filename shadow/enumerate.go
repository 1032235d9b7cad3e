package shadow

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The whole store at once, for the emulator's state and reset API (an
// iotemu extension; AWS has no such operation).

// EnumerableStore is a Store that can list and forget all its shadows;
// MemoryStore is one. The Service's All and Reset need it.
type EnumerableStore interface {
	Store
	// All returns every live (not deleted) shadow.
	All(ctx context.Context) (map[Key]Shadow, error)
	// Clear forgets every record, tombstones included.
	Clear(ctx context.Context) error
}

// ErrNotEnumerable is returned by All and Reset when the Store is not an
// EnumerableStore.
var ErrNotEnumerable = errors.New("the shadow store cannot list its shadows")

// Entry is one stored shadow with its key.
type Entry struct {
	Key
	Shadow
}

// All returns every live shadow, by thing then name (the classic shadow,
// name "", first).
func (s *Service) All(ctx context.Context) ([]Entry, error) {
	es, ok := s.cfg.Store.(EnumerableStore)
	if !ok {
		return nil, ErrNotEnumerable
	}
	m, err := es.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list shadows: %w", err)
	}
	out := make([]Entry, 0, len(m))
	for k, sh := range m {
		out = append(out, Entry{Key: k, Shadow: sh})
	}
	slices.SortFunc(out, func(a, b Entry) int {
		return cmp.Or(strings.Compare(a.Thing, b.Thing), strings.Compare(a.Name, b.Name))
	})
	return out, nil
}

// Reset forgets every shadow and tombstone, without notifications (a
// shadow created afterwards starts again at version 1).
func (s *Service) Reset(ctx context.Context) error {
	es, ok := s.cfg.Store.(EnumerableStore)
	if !ok {
		return ErrNotEnumerable
	}
	if err := es.Clear(ctx); err != nil {
		return fmt.Errorf("reset shadows: %w", err)
	}
	return nil
}

var _ EnumerableStore = (*MemoryStore)(nil)

// All returns copies of the live shadows.
func (m *MemoryStore) All(_ context.Context) (map[Key]Shadow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make(map[Key]Shadow, len(m.records))
	for k, r := range m.records {
		if !r.Deleted {
			out[k] = cloneRecord(r).Shadow
		}
	}
	return out, nil
}

// Clear forgets every record.
func (m *MemoryStore) Clear(_ context.Context) error {
	m.mu.Lock()
	m.records = make(map[Key]Record)
	m.mu.Unlock()
	return nil
}
