package fleetindex

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/iotemu/iotemu/internal/statedoc"
)

// configVersion is the layout of SnapshotConfig's document;
// RestoreConfig refuses another one.
const configVersion = 1

// configState is the indexing configuration as the data directory keeps
// it, with when each index was last (re)built. The indexed documents are
// not kept: they are fed again from the restored registry and shadows.
type configState struct {
	Version      int                   `json:"version"`
	Config       IndexingConfiguration `json:"config"`
	ThingSince   time.Time             `json:"thingSince"`
	GroupSince   time.Time             `json:"groupSince"`
	ThingRebuild bool                  `json:"thingRebuild,omitempty"`
	GroupRebuild bool                  `json:"groupRebuild,omitempty"`
}

// SnapshotConfig encodes the indexing configuration for the data
// directory.
func (ix *Index) SnapshotConfig() ([]byte, error) {
	ix.mu.RLock()
	doc := configState{Version: configVersion, Config: ix.cfg.clone(), ThingSince: ix.thingSince, GroupSince: ix.groupSince,
		ThingRebuild: ix.thingRebuild, GroupRebuild: ix.groupRebuild}
	ix.mu.RUnlock()
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("indexing configuration snapshot: %w", err)
	}
	return raw, nil
}

// RestoreConfig replaces the indexing configuration with a
// SnapshotConfig's; bad JSON, another version or a configuration
// UpdateIndexingConfiguration would refuse is refused, and nothing
// changes.
func (ix *Index) RestoreConfig(raw []byte) error {
	var doc configState
	if err := statedoc.Decode("indexing configuration", raw, configVersion, &doc); err != nil {
		return err
	}
	cfg := doc.Config.clone()
	if cfg.ThingIndexingConfiguration == nil || cfg.ThingGroupIndexingConfiguration == nil {
		return fmt.Errorf("indexing configuration restore: a thing or thing group configuration is missing")
	}
	if err := validateThing(cfg.ThingIndexingConfiguration); err != nil {
		return fmt.Errorf("indexing configuration restore: %w", err)
	}
	if err := validateGroup(cfg.ThingGroupIndexingConfiguration); err != nil {
		return fmt.Errorf("indexing configuration restore: %w", err)
	}
	ix.mu.Lock()
	ix.cfg = cfg
	ix.thingSince, ix.groupSince, ix.thingRebuild, ix.groupRebuild = doc.ThingSince, doc.GroupSince, doc.ThingRebuild, doc.GroupRebuild
	ix.mu.Unlock()
	ix.changed("")
	return nil
}
