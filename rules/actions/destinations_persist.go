package actions

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/iotemu/iotemu/internal/statedoc"
)

// destinationsVersion is the layout of Destinations.Snapshot's document;
// Restore refuses another one.
const destinationsVersion = 1

type destinationsState struct {
	Version      int                 `json:"version"`
	Destinations []storedDestination `json:"destinations,omitempty"`
}

// storedDestination is a Destination with its confirmation token, so that
// a confirmation sent before a restart still confirms after it.
type storedDestination struct {
	Destination
	Token string `json:"token,omitempty"`
}

// Snapshot encodes every topic rule destination for the data directory.
func (d *Destinations) Snapshot() ([]byte, error) {
	doc := destinationsState{Version: destinationsVersion}
	d.mu.Lock()
	for _, x := range d.m {
		doc.Destinations = append(doc.Destinations, storedDestination{Destination: *x, Token: x.token})
	}
	d.mu.Unlock()
	// List's order, so that an unchanged set encodes to the same bytes.
	slices.SortFunc(doc.Destinations, func(a, b storedDestination) int { return strings.Compare(a.ARN, b.ARN) })
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("topic rule destinations snapshot: %w", err)
	}
	return raw, nil
}

// Restore replaces the destinations with a Snapshot's; a document it
// cannot read whole (bad JSON, another version, a destination without an
// ARN or with an unknown status) is refused and nothing changes.
func (d *Destinations) Restore(raw []byte) error {
	var doc destinationsState
	if err := statedoc.Decode("topic rule destinations", raw, destinationsVersion, &doc); err != nil {
		return err
	}
	m := make(map[string]*Destination, len(doc.Destinations))
	for _, s := range doc.Destinations {
		switch {
		case s.ARN == "":
			return fmt.Errorf("topic rule destinations restore: a destination without an ARN")
		case s.Status != DestinationEnabled && s.Status != DestinationInProgress && s.Status != DestinationDisabled && s.Status != DestinationError:
			return fmt.Errorf("topic rule destinations restore: %s: status %q", s.ARN, s.Status)
		}
		dst := s.Destination
		dst.token = s.Token
		m[dst.ARN] = &dst
	}
	d.mu.Lock()
	d.m = m
	d.mu.Unlock()
	return nil
}
