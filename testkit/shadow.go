package testkit

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/shadow"
)

// WithFixtures applies fixtures files (YAML or JSON, see package fixtures)
// when the emulator starts: shadows seeded, rules created.
func WithFixtures(paths ...string) Option {
	return func(s *settings) { s.fixtureFiles = append(s.fixtureFiles, paths...) }
}

// WithShadow seeds a shadow before the test starts. document is what
// GetThingShadow returns: {"state":{...}} with optional metadata and
// version; name "" is the classic shadow.
func WithShadow(thing, name, document string) Option {
	return func(s *settings) {
		s.fixtures.Shadows = append(s.fixtures.Shadows, fixtures.Shadow{Thing: thing, Name: name, Document: []byte(document)})
	}
}

// WithNow sets the clock of the emulator's timestamps (shadow metadata and
// versions' timestamps), so that a test can assert exact documents.
func WithNow(now func() time.Time) Option {
	return WithConfig(func(c *emulator.Config) { c.Now = now })
}

// loadFixtures reads the fixtures files and the inline fixtures into one
// set.
func (st *settings) loadFixtures(tb testing.TB) *fixtures.Set {
	tb.Helper()
	set := &fixtures.Set{}
	for _, p := range st.fixtureFiles {
		f, err := os.Open(p)
		if err != nil {
			tb.Fatalf("testkit: %v", err)
		}
		s, err := fixtures.Parse(f)
		_ = f.Close() // read-only file, fully read
		if err != nil {
			tb.Fatalf("testkit: %s: %v", p, err)
		}
		set.Merge(s)
	}
	set.Merge(&st.fixtures)
	return set
}

// SetShadow stores a shadow as if it had always been there: no
// notification is published. document is as for WithShadow.
func (e *Emulator) SetShadow(tb testing.TB, thing, name, document string) {
	tb.Helper()
	sh, err := shadow.ParseDocument([]byte(document))
	if err != nil {
		tb.Fatalf("testkit: set shadow %s %q: %v", thing, name, err)
	}
	if err := e.srv.Shadows().Set(context.Background(), thing, name, sh); err != nil {
		tb.Fatalf("testkit: set shadow %s %q: %v", thing, name, err)
	}
}

// GetShadow returns the shadow document exactly as GetThingShadow would,
// failing the test if there is none.
func (e *Emulator) GetShadow(tb testing.TB, thing, name string) []byte {
	tb.Helper()
	doc, err := e.srv.Shadows().Get(context.Background(), thing, name)
	if err != nil {
		tb.Fatalf("testkit: get shadow %s %q: %v", thing, name, err)
	}
	return doc
}

// UpdateShadow applies an update request as UpdateThingShadow would,
// publishing the same MQTT notifications, and returns the accepted
// document.
func (e *Emulator) UpdateShadow(tb testing.TB, thing, name, request string) []byte {
	tb.Helper()
	doc, err := e.srv.Shadows().Update(context.Background(), thing, name, []byte(request))
	if err != nil {
		tb.Fatalf("testkit: update shadow %s %q: %v", thing, name, err)
	}
	return doc
}
