package fleetindex

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/iotemu/iotemu/fleetindex/internal/query"
)

// fields is a flattened document: every indexed field with its values.
type fields map[string][]query.Value

func (f fields) add(name string, v query.Value) { f[name] = append(f[name], v) }

// view is what a query sees of fields: only the searchable ones.
type view struct {
	f          fields
	searchable func(string) bool
}

// Values implements query.Doc.
func (v view) Values(field string) []query.Value {
	if !v.searchable(field) {
		return nil
	}
	return v.f[field]
}

// Each implements query.Doc, in a stable order, for bare terms, which
// AWS searches "in all the registry, Device Shadow, and Device Defender
// fields": connectivity fields are left out.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#query-syntax-limitations
func (v view) Each(fn func(query.Value) bool) {
	names := make([]string, 0, len(v.f))
	for n := range v.f {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !v.searchable(n) || strings.HasPrefix(n, "connectivity.") {
			continue
		}
		for _, val := range v.f[n] {
			if !fn(val) {
				return
			}
		}
	}
}

// flattenThing indexes one thing under the configuration: the registry
// always, shadows, named shadows, connectivity and Device Defender only
// when their modes are on.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-fleet-index.html#thing-index
func flattenThing(d *Document, shadows map[string]*shadowData, cfg *ThingIndexingConfiguration) fields {
	f := fields{}
	t := d.Thing
	f.add("thingName", query.String(t.ThingName))
	f.add("thingId", query.String(t.ThingID))
	f.add("registry.version", query.Number(float64(t.Version), strconv.FormatInt(t.Version, 10)))
	if t.ThingTypeName != "" {
		f.add("thingTypeName", query.String(t.ThingTypeName))
		f.add("registry.thingTypeName", query.String(t.ThingTypeName))
	}
	for _, g := range t.ThingGroupNames {
		f.add("thingGroupNames", query.String(g))
		f.add("registry.thingGroupNames", query.String(g))
	}
	for k, v := range t.Attributes {
		f.add("attributes."+k, query.Auto(v))
	}
	if s := shadows[""]; s != nil && cfg.ThingIndexingMode == ModeRegistryAndShadow {
		flattenShadow(f, "shadow", s)
	}
	for _, name := range indexedShadowNames(cfg) {
		if s := shadows[name]; s != nil {
			flattenShadow(f, "shadow.name."+name, s)
		}
	}
	if c := d.Connectivity; c != nil && cfg.ThingConnectivityIndexingMode == ConnectivityStatus {
		flattenConnectivity(f, c)
	}
	if d.DeviceDefender != nil && cfg.DeviceDefenderIndexingMode == DefenderViolations {
		if v, err := decodeJSON(d.DeviceDefender); err == nil {
			flattenJSON(f, "deviceDefender", v)
		}
	}
	applyCustomTypes(f, cfg.CustomFields)
	return f
}

// indexedShadowNames are the named shadows listed in the filter, when
// named shadow indexing is on.
func indexedShadowNames(cfg *ThingIndexingConfiguration) []string {
	if cfg.NamedShadowIndexingMode != NamedShadowOn || cfg.Filter == nil {
		return nil
	}
	return cfg.Filter.NamedShadowNames
}

// flattenShadow indexes the reported, desired, delta and metadata
// sections, joining nested names with '.'.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#query-syntax-limitations
func flattenShadow(f fields, prefix string, s *shadowData) {
	flattenJSON(f, prefix+".desired", anyMap(s.Desired))
	flattenJSON(f, prefix+".reported", anyMap(s.Reported))
	flattenJSON(f, prefix+".delta", anyMap(s.Delta))
	flattenJSON(f, prefix+".metadata", anyMap(s.Metadata))
	f.add(prefix+".hasDelta", query.Bool(s.hasDelta()))
	if n, ok := s.Version.(json.Number); ok {
		if v, ok := query.ParseNumber(n.String()); ok {
			f.add(prefix+".version", query.Number(v, n.String()))
		}
	}
}

func anyMap(m map[string]any) any {
	if m == nil {
		return nil
	}
	return m
}

func flattenConnectivity(f fields, c *Connectivity) {
	f.add("connectivity.connected", query.Bool(c.Connected))
	if c.Timestamp != 0 {
		f.add("connectivity.timestamp", query.Number(float64(c.Timestamp), strconv.FormatInt(c.Timestamp, 10)))
	}
	if c.DisconnectReason != "" {
		f.add("connectivity.disconnectReason", query.String(c.DisconnectReason))
	}
	f.add("connectivity.version", query.Number(float64(c.Version), strconv.FormatInt(c.Version, 10)))
}

// flattenJSON indexes a JSON value: objects by member, arrays of simple
// values as many values of one field; arrays holding objects and null
// values are not indexed. JSON strings are text, JSON numbers numbers.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#index-limitations
func flattenJSON(f fields, name string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			flattenJSON(f, name+"."+k, c)
		}
	case []any:
		for _, e := range v {
			switch e.(type) {
			case map[string]any, []any:
				return
			}
		}
		for _, e := range v {
			flattenJSON(f, name, e)
		}
	case json.Number:
		if n, ok := query.ParseNumber(v.String()); ok {
			f.add(name, query.Number(n, v.String()))
		} else {
			f.add(name, query.String(v.String()))
		}
	case string:
		f.add(name, query.String(v))
	case bool:
		f.add(name, query.Bool(v))
	}
}

// applyCustomTypes makes each custom field hold only values of its
// declared type: a String field compares as text, and values that
// disagree with a Number or Boolean field are dropped.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-indexing-troubleshooting.html#aggregation-troubleshooting
func applyCustomTypes(f fields, custom []Field) {
	for _, c := range custom {
		vals, ok := f[c.Name]
		if !ok {
			continue
		}
		var kept []query.Value
		for _, v := range vals {
			if tv, ok := asType(v, c.Type); ok {
				kept = append(kept, tv)
			}
		}
		if kept == nil {
			delete(f, c.Name)
		} else {
			f[c.Name] = kept
		}
	}
}

func asType(v query.Value, typ string) (query.Value, bool) {
	switch typ {
	case TypeString:
		return query.String(v.Text), true
	case TypeNumber:
		return v, v.IsNum
	case TypeBoolean:
		return v, !v.IsNum && (v.Text == "true" || v.Text == "false")
	}
	return v, true
}

// flattenGroup indexes one thing group. `thingGroupNames` is accepted as
// a second name of `thingGroupName`, because AWS's example table uses it.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/example-thinggroup-queries.html#example-thinggroup-queries
func flattenGroup(g *ThingGroup, custom []Field) fields {
	f := fields{}
	f.add("thingGroupName", query.String(g.ThingGroupName))
	f.add("thingGroupNames", query.String(g.ThingGroupName))
	f.add("thingGroupId", query.String(g.ThingGroupID))
	if g.Description != "" {
		f.add("description", query.String(g.Description))
	}
	for _, p := range g.ParentGroupNames {
		f.add("parentGroupNames", query.String(p))
	}
	for k, v := range g.Attributes {
		f.add("attributes."+k, query.Auto(v))
	}
	f.add("version", query.Number(float64(g.Version), strconv.FormatInt(g.Version, 10)))
	applyCustomTypes(f, custom)
	return f
}

func groupSearchable(field string) bool { return field != "version" }

func decodeJSON(raw json.RawMessage) (any, error) {
	var v any
	dec := json.NewDecoder(bytesReader(raw))
	dec.UseNumber()
	err := dec.Decode(&v)
	return v, err
}
