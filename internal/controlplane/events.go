package controlplane

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/internal/statedoc"
)

// Event configurations: which of the $aws/events/... message types the
// account publishes. Every type is disabled until enabled, as on AWS.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-events.html#iot-events-enable
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateEventConfigurations.html#API_UpdateEventConfigurations_RequestSyntax

// eventTypes are the members of EventType in botocore's iot model.
var eventTypes = []string{
	"THING", "THING_GROUP", "THING_TYPE", "THING_GROUP_MEMBERSHIP", "THING_GROUP_HIERARCHY",
	"THING_TYPE_ASSOCIATION", "JOB", "JOB_EXECUTION", "POLICY", "CERTIFICATE", "CA_CERTIFICATE",
}

// EventConfigurations holds the account's event configuration; it is
// safe for concurrent use.
type EventConfigurations struct {
	mu      sync.RWMutex
	enabled map[string]bool
}

// NewEventConfigurations returns every event type disabled.
func NewEventConfigurations() *EventConfigurations {
	return &EventConfigurations{enabled: map[string]bool{}}
}

// Enabled reports whether events of that type (JOB, JOB_EXECUTION,
// THING...) are published.
func (e *EventConfigurations) Enabled(eventType string) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.enabled[eventType]
}

type eventConfig struct {
	Enabled bool `json:"Enabled"`
}

type eventConfigurations struct {
	EventConfigurations map[string]eventConfig `json:"eventConfigurations"`
}

func (c *ControlPlane) registerEvents(rt *route.Router) {
	if c.cfg.Events == nil {
		return
	}
	rt.Handle("/event-configurations", handle(decodeEventConfigurations, c.updateEventConfigurations), http.MethodPatch)
	rt.Handle("/event-configurations", handle(none, c.describeEventConfigurations), http.MethodGet)
}

func decodeEventConfigurations(r *http.Request) (eventConfigurations, error) {
	var in eventConfigurations
	if err := readJSON(r, &in); err != nil {
		return in, err
	}
	for t := range in.EventConfigurations {
		if !known(t) {
			return in, awsrest.Invalid("1 validation error detected: Value '%s' at 'eventConfigurations' failed to satisfy constraint: Member must satisfy enum value set: %v", t, eventTypes)
		}
	}
	return in, nil
}

func known(t string) bool {
	for _, k := range eventTypes {
		if k == t {
			return true
		}
	}
	return false
}

func (c *ControlPlane) updateEventConfigurations(_ context.Context, in eventConfigurations) (empty, error) {
	e := c.cfg.Events
	e.mu.Lock()
	defer e.mu.Unlock()
	for t, v := range in.EventConfigurations {
		e.enabled[t] = v.Enabled
	}
	return empty{}, nil
}

// describedEvents is DescribeEventConfigurations' output: every type with
// its state (creationDate and lastModifiedDate are not kept).
func (c *ControlPlane) describeEventConfigurations(context.Context, struct{}) (eventConfigurations, error) {
	e := c.cfg.Events
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := eventConfigurations{EventConfigurations: map[string]eventConfig{}}
	types := append([]string(nil), eventTypes...)
	sort.Strings(types)
	for _, t := range types {
		out.EventConfigurations[t] = eventConfig{Enabled: e.enabled[t]}
	}
	return out, nil
}

// eventsSnapshotVersion is the layout of EventConfigurations.Snapshot.
const eventsSnapshotVersion = 1

type eventsState struct {
	Version int             `json:"version"`
	Enabled map[string]bool `json:"enabled,omitempty"`
}

// Snapshot encodes the event configurations for the data directory.
func (e *EventConfigurations) Snapshot() ([]byte, error) {
	e.mu.RLock()
	raw, err := json.Marshal(eventsState{Version: eventsSnapshotVersion, Enabled: e.enabled})
	e.mu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("event configurations snapshot: %w", err)
	}
	return raw, nil
}

// Restore replaces the event configurations with a Snapshot's; bad JSON,
// another version or an unknown event type is refused and nothing changes.
func (e *EventConfigurations) Restore(raw []byte) error {
	var doc eventsState
	if err := statedoc.Decode("event configurations", raw, eventsSnapshotVersion, &doc); err != nil {
		return err
	}
	enabled := map[string]bool{}
	for t, on := range doc.Enabled {
		if !known(t) {
			return fmt.Errorf("event configurations restore: unknown event type %q", t)
		}
		enabled[t] = on
	}
	e.mu.Lock()
	e.enabled = enabled
	e.mu.Unlock()
	return nil
}
