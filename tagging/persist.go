package tagging

import (
	"encoding/json"
	"fmt"
	"maps"

	"github.com/iotemu/iotemu/internal/statedoc"
)

// snapshotVersion is the layout of Snapshot's document; Restore refuses
// another one.
const snapshotVersion = 1

type storeState struct {
	Version int                          `json:"version"`
	Tags    map[string]map[string]string `json:"tags,omitempty"` // by resource ARN
}

// Snapshot encodes every resource's tags for the data directory.
func (s *Store) Snapshot() ([]byte, error) {
	s.mu.RLock()
	raw, err := json.Marshal(storeState{Version: snapshotVersion, Tags: s.tags})
	s.mu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("tags snapshot: %w", err)
	}
	return raw, nil
}

// Restore replaces the tags with a Snapshot's; bad JSON, another version
// or an empty ARN is refused and nothing changes.
func (s *Store) Restore(raw []byte) error {
	var doc storeState
	if err := statedoc.Decode("tags", raw, snapshotVersion, &doc); err != nil {
		return err
	}
	tags := make(map[string]map[string]string, len(doc.Tags))
	for arn, kv := range doc.Tags {
		if arn == "" {
			return fmt.Errorf("tags restore: tags of an empty ARN")
		}
		if kv == nil {
			kv = map[string]string{}
		}
		tags[arn] = maps.Clone(kv)
	}
	s.mu.Lock()
	s.tags = tags
	s.mu.Unlock()
	return nil
}
