package datadir

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{LockTimeout: 100 * time.Millisecond, CreatedBy: "test"})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestPutSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if err := s.Put("things", "a", []byte(`1`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Write([]Change{{Area: "things", Key: "b", Value: []byte(`2`)}, {Area: "shadows", Key: "x", Value: []byte(`3`)}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("things", "a"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("nosuch", "a"); err != nil {
		t.Fatalf("Delete in an absent area: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	s = open(t, dir)
	var got []string
	if err := s.ForEach("things", func(k string, v []byte) error { got = append(got, k+"="+string(v)); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "b=2" {
		t.Fatalf("things = %v, want [b=2]", got)
	}
	v, ok, err := s.Get("shadows", "x")
	if err != nil || !ok || string(v) != "3" {
		t.Fatalf("Get = %q %v %v", v, ok, err)
	}
	if _, ok, _ := s.Get("shadows", "nosuch"); ok {
		t.Fatal("Get of an absent key found it")
	}
	if s.Meta().Format != FormatVersion || s.Meta().CreatedBy != "test" {
		t.Fatalf("Meta = %+v", s.Meta())
	}
}

// TestSecondOpenIsRefused: a second emulator on the same directory (here a
// second open file description in the same process, which flock treats
// like another process) fails with ErrLocked after the timeout.
func TestSecondOpenIsRefused(t *testing.T) {
	dir := t.TempDir()
	open(t, dir)
	start := time.Now()
	_, err := Open(dir, Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "another iotemu") {
		t.Errorf("error %q does not say what to do", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("second Open took %s", time.Since(start))
	}
}

func writeMeta(t *testing.T, dir string, meta any) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if err := db.Update(func(tx *bolt.Tx) error {
		if meta == nil {
			_, err := tx.CreateBucketIfNotExists([]byte("mochi"))
			return err
		}
		b, err := tx.CreateBucketIfNotExists([]byte(metaBucket))
		if err != nil {
			return err
		}
		raw, _ := json.Marshal(meta)
		return b.Put([]byte(metaKey), raw)
	}); err != nil {
		t.Fatal(err)
	}
}

func TestOtherFormatIsRefused(t *testing.T) {
	for name, tc := range map[string]struct {
		meta any
		want string
	}{
		"newer version": {Meta{Magic: magic, Format: FormatVersion + 1, CreatedBy: "9.9.9"}, "format 2 (written by iotemu 9.9.9)"},
		"no magic":      {map[string]any{"format": 1}, "not an iotemu data directory"},
		"not json":      {"garbage", "not an iotemu data directory"},
		"foreign bbolt": {nil, "not an iotemu data directory"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeMeta(t, dir, tc.meta)
			_, err := Open(dir, Options{})
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open = %v, want a format error saying %q", err, tc.want)
			}
			// The refusal released the lock: the directory can be opened by
			// the right tool (here bbolt itself).
			db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{Timeout: 100 * time.Millisecond})
			if err != nil {
				t.Fatalf("lock kept after refusal: %v", err)
			}
			_ = db.Close()
		})
	}
}

func TestNotAFile(t *testing.T) {
	if _, err := Open("", Options{}); err == nil {
		t.Fatal("Open(\"\") succeeded")
	}
}

// FuzzDecodeMeta: the format record decoder never panics, and accepts only
// this build's version.
func FuzzDecodeMeta(f *testing.F) {
	f.Add([]byte(`{"magic":"iotemu-data-dir","format":1}`))
	f.Add([]byte(`{"magic":"iotemu-data-dir","format":2,"createdBy":"x"}`))
	f.Add([]byte(`null`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := DecodeMeta(raw)
		if err == nil && (m.Magic != magic || m.Format != FormatVersion) {
			t.Fatalf("accepted %+v", m)
		}
		if err != nil && !errors.Is(err, ErrFormat) {
			t.Fatalf("error %v is not a format error", err)
		}
	})
}
