// Package statedoc is what a service needs to keep its whole state as a
// snapshot document in the data directory (-data-dir): Decode reads a
// versioned JSON document, refusing another layout's, so that a data
// directory written by another iotemu is never silently misread; RWMutex
// tells when the state may have changed, so that an unchanged service is
// not encoded again.
package statedoc

import (
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
)

// Decode reads a service's snapshot document raw into v after checking
// that its "version" is want. what names the service in the error
// ("jobs", "registry").
func Decode(what string, raw []byte, want int, v any) error {
	var head struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return fmt.Errorf("%s restore: %w", what, err)
	}
	if head.Version != want {
		return fmt.Errorf("%s restore: snapshot version %d, want %d", what, head.Version, want)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s restore: %w", what, err)
	}
	return nil
}

// RWMutex is the lock of a service's state that counts its write-locked
// sections: a snapshot is encoded again only when Generation moved since
// the last one was written, so that a change to one service does not
// re-encode every other (a registry of thousands of things costs
// milliseconds to encode). Every writer takes Lock, so counting there
// misses none; a reader that took Lock only costs a needless encoding.
type RWMutex struct {
	sync.RWMutex
	gen atomic.Uint64
}

// Lock locks for writing and counts the section.
func (m *RWMutex) Lock() {
	m.RWMutex.Lock()
	m.gen.Add(1)
}

// Generation is the number of write-locked sections so far. Read it
// before encoding a snapshot: a write after it moves it again, so the next
// flush encodes again.
func (m *RWMutex) Generation() uint64 { return m.gen.Load() }
