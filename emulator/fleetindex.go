package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/iotemu/iotemu/fleetindex"
	iotreg "github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/shadow"
)

// The wiring of fleet indexing (package fleetindex): the registry's
// changes, the Device Shadow service's documents and the broker's
// connections feed the index, and dynamic thing groups follow their
// queries on it.
//
// Feeding is synchronous (read-your-writes): a change is indexed, and
// dynamic group membership recomputed, before the call that made it
// returns (docs/compatibility.md "Fleet indexing").

// fleet is the fleet index and what keeps dynamic thing groups current.
type fleet struct {
	ix  *fleetindex.Index
	reg *iotreg.Registry

	mu       sync.Mutex
	compiled map[string]*fleetindex.Query // query string → compiled
}

// newFleet builds the index; the registry is attached by attach, since
// the registry's Config names fleet.registryChanged before it exists.
func newFleet(now func() time.Time) *fleet {
	f := &fleet{compiled: map[string]*fleetindex.Query{}}
	f.ix = fleetindex.New(fleetindex.Options{Now: now, CanDisable: f.canDisable, OnChange: f.indexChanged})
	return f
}

// canDisable refuses turning thing indexing off while dynamic groups exist.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/dynamic-thing-groups.html#indexing-backfill-conflict
func (f *fleet) canDisable() error {
	if f.reg != nil && f.reg.HasDynamicThingGroups() {
		return &fleetindex.Error{Code: fleetindex.InvalidRequest,
			Message: "Thing indexing cannot be disabled while dynamic thing groups exist"} // message UNCONFIRMED
	}
	return nil
}

// registryChanged is the registry's Config.OnChange: the changed thing or
// group is read back and indexed (or removed).
func (f *fleet) registryChanged(c iotreg.Change) {
	switch c.Kind {
	case iotreg.ThingChanged:
		f.indexThing(c.Name)
	case iotreg.ThingGroupChanged:
		f.indexGroup(c.Name)
	}
}

func (f *fleet) indexThing(name string) {
	t, err := f.reg.DescribeThing(name)
	if err != nil {
		f.ix.DeleteThing(name)
		return
	}
	groups, _ := f.reg.ThingGroupsForThing(name) // the thing exists: no error
	f.ix.PutThing(fleetindex.Thing{ThingName: t.Name, ThingID: t.ID, ThingTypeName: t.TypeName,
		Attributes: t.Attributes, ThingGroupNames: groups, Version: t.Version})
}

func (f *fleet) indexGroup(name string) {
	g, err := f.reg.DescribeThingGroup(name)
	if err != nil {
		f.ix.DeleteThingGroup(name)
		return
	}
	f.ix.PutThingGroup(fleetindex.ThingGroup{ThingGroupName: g.Name, ThingGroupID: g.ID, Description: g.Description,
		Attributes: g.Attributes, ParentGroupNames: g.Ancestors, Version: g.Version})
	if g.Dynamic {
		f.refreshGroup(g)
	}
}

// indexChanged is the index's OnChange: the dynamic groups are checked
// against the changed thing, or all of them after a configuration change.
func (f *fleet) indexChanged(thing string) {
	for _, g := range f.reg.DynamicThingGroups() {
		if thing == "" {
			f.refreshGroup(g)
			continue
		}
		q := f.query(g.Query.QueryString)
		if q == nil {
			continue
		}
		ok, err := f.ix.Match(q, thing)
		f.reg.SetDynamicMembership(g.Name, thing, ok && err == nil)
	}
}

// refreshGroup makes a dynamic group's members exactly the matching
// things. With indexing off no thing matches.
func (f *fleet) refreshGroup(g iotreg.ThingGroup) {
	want := map[string]bool{}
	if q := f.query(g.Query.QueryString); q != nil {
		names, _ := f.ix.MatchingThings(q)
		for _, n := range names {
			want[n] = true
		}
	}
	for _, n := range f.reg.GroupMembers(g.Name) {
		if !want[n] {
			f.reg.SetDynamicMembership(g.Name, n, false)
		}
	}
	for n := range want {
		f.reg.SetDynamicMembership(g.Name, n, true)
	}
}

// query compiles a stored query once; the control plane compiled it
// before storing, so nil means only a query that can no longer compile.
func (f *fleet) query(s string) *fleetindex.Query {
	f.mu.Lock()
	defer f.mu.Unlock()
	if q, ok := f.compiled[s]; ok {
		return q
	}
	q, err := fleetindex.Compile(s)
	if err != nil {
		return nil
	}
	f.compiled[s] = q
	return q
}

// shadowPublisher wraps the shadow service's publisher: every
// update/documents message indexes the new shadow, every delete/accepted
// removes it. (REST changes are indexed only while Compat.RESTDeltaOnly
// is off, as they publish nothing otherwise; docs/compatibility.md.)
func (f *fleet) shadowPublisher(next shadow.Publisher) shadow.Publisher {
	return shadow.PublisherFunc(func(ctx context.Context, topic string, payload []byte) error {
		err := next.Publish(ctx, topic, payload)
		if t, ok := shadow.ParseTopic(topic); ok {
			err = errors.Join(err, f.shadowEvent(t, payload))
		}
		return err
	})
}

func (f *fleet) shadowEvent(t shadow.Topic, payload []byte) error {
	switch {
	case t.Op == shadow.OpUpdate && t.Suffix == "documents":
		var doc struct {
			Current   json.RawMessage `json:"current"`
			Timestamp int64           `json:"timestamp"`
		}
		if err := json.Unmarshal(payload, &doc); err != nil {
			return err
		}
		return f.ix.PutShadow(t.Thing, t.Name, doc.Current)
	case t.Op == shadow.OpDelete && t.Suffix == "accepted":
		f.ix.DeleteShadow(t.Thing, t.Name)
	}
	return nil
}

// ConnectivityFeed is what the broker tells fleet indexing about the
// connections whose client ID is a thing name ("connectivity is indexed
// only when the MQTT client ID equals the thing name").
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#search-index
// The root feeds it from the broker's own presence events
// (feedConnectivity), so the index sees exactly what subscribers see.
type ConnectivityFeed interface {
	Connected(clientID string, at time.Time, cleanSession bool, keepAliveSeconds int32)
	Disconnected(clientID string, at time.Time, reason string)
}

var _ ConnectivityFeed = (*fleet)(nil)

// Connected records a client's connection.
func (f *fleet) Connected(clientID string, at time.Time, cleanSession bool, keepAlive int32) {
	f.ix.PutConnectivity(clientID, fleetindex.Connectivity{Connected: true, Timestamp: at.UnixMilli(),
		ClientID: clientID, CleanSession: &cleanSession, KeepAliveDuration: &keepAlive})
}

// presenceEvent is what connectivity needs of a lifecycle event.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect
type presenceEvent struct {
	ClientID         string `json:"clientId"`
	Timestamp        int64  `json:"timestamp"`
	EventType        string `json:"eventType"`
	DisconnectReason string `json:"disconnectReason"`
}

// feedConnectivity subscribes the fleet index to the broker's presence
// events; cleanSession and keepAlive are not in those events and stay
// unset.
func (s *Server) feedConnectivity() error {
	_, err := s.Subscribe("$aws/events/presence/+/+", func(m Message) {
		var ev presenceEvent
		if json.Unmarshal(m.Payload, &ev) != nil || ev.ClientID == "" {
			return
		}
		at := time.UnixMilli(ev.Timestamp)
		switch ev.EventType {
		case "connected":
			s.fleet.ix.PutConnectivity(ev.ClientID, fleetindex.Connectivity{Connected: true, Timestamp: at.UnixMilli(), ClientID: ev.ClientID})
		case "disconnected":
			s.fleet.Disconnected(ev.ClientID, at, ev.DisconnectReason)
		}
	})
	if err != nil {
		return fmt.Errorf("feed connectivity to the fleet index: %w", err)
	}
	return nil
}

// Disconnected records a client's disconnection.
func (f *fleet) Disconnected(clientID string, at time.Time, reason string) {
	f.ix.PutConnectivity(clientID, fleetindex.Connectivity{Timestamp: at.UnixMilli(), ClientID: clientID, DisconnectReason: reason})
}

// FleetIndex returns the fleet index, to inspect from Go.
func (s *Server) FleetIndex() *fleetindex.Index { return s.fleet.ix }
