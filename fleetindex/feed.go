package fleetindex

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// PutThing indexes (or replaces) a thing's registry data.
func (ix *Index) PutThing(t Thing) {
	t.Attributes = maps.Clone(t.Attributes)
	t.ThingGroupNames = slices.Clone(t.ThingGroupNames)
	ix.mu.Lock()
	ix.things[t.ThingName] = t
	ix.mu.Unlock()
	ix.changed(t.ThingName)
}

// DeleteThing removes a thing. Its shadows and connectivity are kept, as
// the shadow service keeps a deleted thing's shadows, but they are not
// indexed: "shadows of names with no registered thing are not indexed".
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#index-limitations
func (ix *Index) DeleteThing(thingName string) {
	ix.mu.Lock()
	delete(ix.things, thingName)
	ix.mu.Unlock()
	ix.changed(thingName)
}

// PutShadow indexes a shadow document (shadowName "" for the classic
// shadow) as the Device Shadow service returns it.
func (ix *Index) PutShadow(thingName, shadowName string, doc json.RawMessage) error {
	s, err := parseShadow(doc)
	if err != nil {
		return fmt.Errorf("index shadow %s/%s: %w", thingName, shadowName, err)
	}
	ix.mu.Lock()
	if ix.shadows[thingName] == nil {
		ix.shadows[thingName] = map[string]*shadowData{}
	}
	ix.shadows[thingName][shadowName] = s
	ix.mu.Unlock()
	ix.changed(thingName)
	return nil
}

// DeleteShadow removes a shadow from the index.
func (ix *Index) DeleteShadow(thingName, shadowName string) {
	ix.mu.Lock()
	delete(ix.shadows[thingName], shadowName)
	ix.mu.Unlock()
	ix.changed(thingName)
}

// PutConnectivity records the connection state of the thing's client.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#search-index
func (ix *Index) PutConnectivity(thingName string, c Connectivity) {
	ix.mu.Lock()
	if old, ok := ix.conns[thingName]; ok && c.Version <= old.Version {
		c.Version = old.Version + 1
	}
	ix.conns[thingName] = c
	ix.mu.Unlock()
	ix.changed(thingName)
}

// PutDeviceDefender records a thing's Device Defender violation data
// (`{"violationCount":n,"{profile}":{...}}`); nil removes it.
func (ix *Index) PutDeviceDefender(thingName string, doc json.RawMessage) error {
	if doc != nil {
		if _, err := decodeJSON(doc); err != nil {
			return fmt.Errorf("index device defender data of %s: %w", thingName, err)
		}
	}
	ix.mu.Lock()
	if doc == nil {
		delete(ix.dd, thingName)
	} else {
		ix.dd[thingName] = slices.Clone(doc)
	}
	ix.mu.Unlock()
	ix.changed(thingName)
	return nil
}

// PutThingGroup indexes (or replaces) a thing group.
func (ix *Index) PutThingGroup(g ThingGroup) {
	g.Attributes = maps.Clone(g.Attributes)
	g.ParentGroupNames = slices.Clone(g.ParentGroupNames)
	ix.mu.Lock()
	ix.groups[g.ThingGroupName] = g
	ix.mu.Unlock()
}

// DeleteThingGroup removes a thing group from the index.
func (ix *Index) DeleteThingGroup(name string) {
	ix.mu.Lock()
	delete(ix.groups, name)
	ix.mu.Unlock()
}

// document assembles what is indexed of one thing. Callers hold ix.mu.
func (ix *Index) document(name string) (*Document, map[string]*shadowData, bool) {
	t, ok := ix.things[name]
	if !ok {
		return nil, nil, false
	}
	d := &Document{Thing: t, DeviceDefender: ix.dd[name]}
	if c, ok := ix.conns[name]; ok {
		d.Connectivity = &c
	}
	return d, ix.shadows[name], true
}

// ThingConnectivity returns what the index knows of a thing's MQTT
// connection (GetThingConnectivityData); ok is false if it never
// connected.
func (ix *Index) ThingConnectivity(thingName string) (Connectivity, bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	c, ok := ix.conns[thingName]
	return c, ok
}
