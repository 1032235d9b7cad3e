package shadow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// ParseDocument parses a stored shadow document
// {"state": {"desired"?: {...}, "reported"?: {...}}, "metadata"?: {...},
// "version"?: n}, as found in fixtures and in the conformance vectors'
// "initial" member, and returns it normalised. A missing metadata is
// left empty (Set stamps it); a missing version is 0 (Set makes it 1).
func ParseDocument(b []byte) (Shadow, error) {
	var sh Shadow
	if err := json.Unmarshal(b, &sh); err != nil {
		return Shadow{}, fmt.Errorf("parse shadow document: %w", err)
	}
	if _, err := decodeDocument(sh); err != nil {
		return Shadow{}, fmt.Errorf("parse shadow document: %w", err)
	}
	return sh, nil
}

// Set stores sh as the shadow thing/name (name "" is the classic shadow),
// replacing any shadow or tombstone, without publishing anything. It is the
// seeding hook for fixtures and tests. Metadata missing from sh is stamped
// with the current time for every leaf; a zero Version becomes 1.
func (s *Service) Set(ctx context.Context, thing, name string, sh Shadow) error {
	k := Key{Thing: thing, Name: name}
	if err := s.validateKey(k); err != nil {
		return fmt.Errorf("set shadow: %w", err)
	}
	doc, err := decodeDocument(sh)
	if err != nil {
		return fmt.Errorf("set shadow: %w", err)
	}
	if sh.Version < 0 {
		return errors.New("set shadow: negative version")
	}
	doc.version = max(sh.Version, 1)
	ts := json.Number(strconv.FormatInt(s.now(), 10))
	if doc.meta.Desired == nil && len(doc.state.Desired) > 0 {
		doc.meta.Desired, _ = stampStored(doc.state.Desired, ts).(map[string]any)
	}
	if doc.meta.Reported == nil && len(doc.state.Reported) > 0 {
		doc.meta.Reported, _ = stampStored(doc.state.Reported, ts).(map[string]any)
	}
	stored, err := doc.encode()
	if err != nil {
		return fmt.Errorf("set shadow: %w", err)
	}
	defer s.lock(k)()
	if err := s.cfg.Store.Save(ctx, k, Record{Shadow: stored}); err != nil {
		return fmt.Errorf("set shadow: %w", err)
	}
	return nil
}

// Snapshot returns the stored shadow thing/name for inspection, and false
// if it does not exist (never created, or deleted).
func (s *Service) Snapshot(ctx context.Context, thing, name string) (Shadow, bool, error) {
	rec, found, err := s.cfg.Store.Load(ctx, Key{Thing: thing, Name: name})
	if err != nil {
		return Shadow{}, false, fmt.Errorf("load shadow: %w", err)
	}
	if !found || rec.Deleted {
		return Shadow{}, false, nil
	}
	return rec.Shadow, true, nil
}
