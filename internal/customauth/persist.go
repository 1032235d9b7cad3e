package customauth

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/iotemu/iotemu/internal/statedoc"
)

// snapshotVersion is the layout of Snapshot's document; Restore refuses
// another one.
const snapshotVersion = 1

// storeState is the store's whole content as Snapshot writes it.
type storeState struct {
	Version     int           `json:"version"`
	Authorizers []*Authorizer `json:"authorizers,omitempty"`
	Default     string        `json:"default,omitempty"`
}

// Snapshot encodes every authorizer and the default one for the data
// directory (the parsed keys are parsed again by Restore).
func (st *Store) Snapshot() ([]byte, error) {
	st.mu.RLock()
	doc := storeState{Version: snapshotVersion, Default: st.def}
	for _, name := range slices.Sorted(maps.Keys(st.byKey)) {
		doc.Authorizers = append(doc.Authorizers, st.byKey[name])
	}
	raw, err := json.Marshal(doc)
	st.mu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("authorizers snapshot: %w", err)
	}
	return raw, nil
}

// Restore replaces the store's content with a Snapshot's. It refuses (and
// leaves the store as it was) a document it cannot read whole: bad JSON,
// another version, an authorizer that does not validate, a default that
// names none of them.
func (st *Store) Restore(raw []byte) error {
	var doc storeState
	if err := statedoc.Decode("authorizers", raw, snapshotVersion, &doc); err != nil {
		return err
	}
	byKey := make(map[string]*Authorizer, len(doc.Authorizers))
	for _, a := range doc.Authorizers {
		if a == nil {
			return fmt.Errorf("authorizers restore: a null authorizer")
		}
		if err := a.validate(); err != nil { // parses the signing keys again
			return fmt.Errorf("authorizers restore: %s: %w", a.Name, err)
		}
		if _, dup := byKey[a.Name]; dup {
			return fmt.Errorf("authorizers restore: %s twice", a.Name)
		}
		byKey[a.Name] = a
	}
	if _, ok := byKey[doc.Default]; doc.Default != "" && !ok {
		return fmt.Errorf("authorizers restore: the default authorizer %s does not exist", doc.Default)
	}
	st.mu.Lock()
	st.byKey, st.def = byKey, doc.Default
	st.mu.Unlock()
	return nil
}
