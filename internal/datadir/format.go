package datadir

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FormatVersion is the layout of the areas this build writes. Bump it when
// a stored encoding changes incompatibly; Open refuses any other version
// rather than misread it (there is no migration yet).
const FormatVersion = 1

const (
	metaBucket = "meta"
	metaKey    = "format"
	// magic tells iotemu's file from another bbolt file.
	magic = "iotemu-data-dir"
)

// Meta is the store's self-description, in the meta bucket.
type Meta struct {
	Magic     string    `json:"magic"`
	Format    int       `json:"format"`
	CreatedBy string    `json:"createdBy,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// FormatError refuses a data directory this build cannot read.
type FormatError struct {
	Found Meta   // what the file says (zero when unreadable)
	Why   string // what is wrong
}

func (e *FormatError) Error() string {
	return "data directory format: " + e.Why
}

// ErrFormat matches every *FormatError with errors.Is.
var ErrFormat = errors.New("data directory format")

// Is makes errors.Is(err, ErrFormat) true for a FormatError.
func (e *FormatError) Is(target error) bool { return target == ErrFormat }

// DecodeMeta checks the meta record of a store: iotemu's magic and this
// build's FormatVersion. It never panics on any input.
func DecodeMeta(raw []byte) (Meta, error) {
	var m Meta
	if err := json.Unmarshal(raw, &m); err != nil {
		return Meta{}, &FormatError{Why: fmt.Sprintf("unreadable format record (%v); not an iotemu data directory?", err)}
	}
	if m.Magic != magic {
		return m, &FormatError{Found: m, Why: "not an iotemu data directory (no iotemu format record)"}
	}
	if m.Format != FormatVersion {
		by := m.CreatedBy
		if by == "" {
			by = "an unknown version"
		}
		return m, &FormatError{Found: m, Why: fmt.Sprintf(
			"format %d (written by iotemu %s), this iotemu reads format %d only: use the iotemu that wrote it, or another directory",
			m.Format, by, FormatVersion)}
	}
	return m, nil
}

// checkFormat writes the meta record of a new (empty) store, and checks
// the record of an existing one. A store with areas but no meta record is
// not iotemu's.
func (s *Store) checkFormat(createdBy string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(metaBucket))
		if b == nil {
			empty := true
			_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
			if !empty {
				return &FormatError{Why: "not an iotemu data directory (no iotemu format record)"}
			}
			s.meta = Meta{Magic: magic, Format: FormatVersion, CreatedBy: createdBy, CreatedAt: time.Now().UTC()}
			raw, err := json.Marshal(s.meta)
			if err != nil {
				return fmt.Errorf("encode format record: %w", err)
			}
			b, err = tx.CreateBucket([]byte(metaBucket))
			if err != nil {
				return fmt.Errorf("create format record: %w", err)
			}
			return b.Put([]byte(metaKey), raw)
		}
		m, err := DecodeMeta(b.Get([]byte(metaKey)))
		if err != nil {
			return err
		}
		s.meta = m
		return nil
	})
}
