package datadir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// FileName is the store's file inside the data directory.
const FileName = "iotemu.db"

// DefaultLockTimeout is how long Open waits for another process to release
// the directory before failing with ErrLocked.
const DefaultLockTimeout = 2 * time.Second

// ErrLocked: another process (another emulator) has the data directory open.
var ErrLocked = errors.New("data directory is in use by another process")

// Options tunes Open; the zero value is the default.
type Options struct {
	// LockTimeout bounds the wait for another process's lock; 0 means
	// DefaultLockTimeout.
	LockTimeout time.Duration
	// CreatedBy is recorded in a new store (the emulator's version), for
	// the refusal message of a later, incompatible version.
	CreatedBy string
}

// Store is an open data directory. It is safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
	meta Meta
}

// Open opens (creating if needed) the store in dir, takes its lock and
// checks its format version.
func Open(dir string, opts Options) (*Store, error) {
	if dir == "" {
		return nil, errors.New("open data directory: no directory given")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open data directory: %w", err)
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open data directory %s: %w (waited %s for its lock; is another iotemu running on it?)",
			dir, ErrLocked, opts.LockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("open data directory %s: %w", dir, err)
	}
	s := &Store{db: db, path: path}
	if err := s.checkFormat(opts.CreatedBy); err != nil {
		_ = db.Close() // the format error is the one to report
		return nil, fmt.Errorf("open data directory %s: %w", dir, err)
	}
	return s, nil
}

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// Meta is what the store says of itself.
func (s *Store) Meta() Meta { return s.meta }

// Close releases the file and its lock. It is idempotent.
func (s *Store) Close() error {
	if s == nil || s.db == nil {
		return nil
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close data directory: %w", err)
	}
	return nil
}

// Put stores value under key in area, committed when it returns.
func (s *Store) Put(area, key string, value []byte) error {
	if err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(area))
		if err != nil {
			return err
		}
		return b.Put([]byte(key), value)
	}); err != nil {
		return fmt.Errorf("data directory: put %s/%s: %w", area, key, err)
	}
	return nil
}

// Delete removes key from area (nothing if absent), committed when it
// returns.
func (s *Store) Delete(area, key string) error {
	if err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(area))
		if b == nil {
			return nil
		}
		return b.Delete([]byte(key))
	}); err != nil {
		return fmt.Errorf("data directory: delete %s/%s: %w", area, key, err)
	}
	return nil
}

// Write applies several puts (a nil value deletes) across areas in one
// transaction: all or none survive a crash.
func (s *Store) Write(changes []Change) error {
	if len(changes) == 0 {
		return nil
	}
	if err := s.db.Update(func(tx *bolt.Tx) error {
		for _, c := range changes {
			b, err := tx.CreateBucketIfNotExists([]byte(c.Area))
			if err != nil {
				return err
			}
			if c.Value == nil {
				err = b.Delete([]byte(c.Key))
			} else {
				err = b.Put([]byte(c.Key), c.Value)
			}
			if err != nil {
				return fmt.Errorf("%s/%s: %w", c.Area, c.Key, err)
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("data directory: write: %w", err)
	}
	return nil
}

// Change is one put (or, with a nil Value, delete) of Write.
type Change struct {
	Area, Key string
	Value     []byte
}

// Get returns the value of key in area, and false if there is none. The
// slice is a copy.
func (s *Store) Get(area, key string) ([]byte, bool, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte(area)); b != nil {
			if v := b.Get([]byte(key)); v != nil {
				out = append([]byte{}, v...)
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("data directory: get %s/%s: %w", area, key, err)
	}
	return out, out != nil, nil
}

// ForEach calls fn for every key of area in key order; an error from fn
// stops it and is returned. key and value are only valid during the call.
func (s *Store) ForEach(area string, fn func(key string, value []byte) error) error {
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(area))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if v == nil { // a nested bucket: areas have none
				return nil
			}
			return fn(string(k), v)
		})
	})
	if err != nil {
		return fmt.Errorf("data directory: read %s: %w", area, err)
	}
	return nil
}

// DeletePrefix removes every key of area starting with prefix, in one
// transaction; it writes nothing when no key matches.
func (s *Store) DeletePrefix(area, prefix string) error {
	var keys [][]byte
	if err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(area))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, _ := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, _ = c.Next() {
			keys = append(keys, append([]byte{}, k...))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("data directory: read %s: %w", area, err)
	}
	if len(keys) == 0 {
		return nil
	}
	if err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(area))
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("data directory: delete %s/%s*: %w", area, prefix, err)
	}
	return nil
}
