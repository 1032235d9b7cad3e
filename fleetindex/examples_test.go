package fleetindex

import (
	"testing"
)

// fleet builds the things the documented examples are run against.
func fleet(t *testing.T) *Index {
	t.Helper()
	ix := newIndex(t, fullConfig())
	things := []Thing{
		{ThingName: "myThingName", ThingTypeName: "aa", ThingGroupNames: []string{"a1"},
			Attributes: map[string]string{"myAttribute": "75", "serialNumber": "abce", "model": "legacy"}},
		{ThingName: "abc", ThingGroupNames: []string{"a"}, Attributes: map[string]string{"myAttribute": "80", "model": "new"}},
		{ThingName: "abd", Attributes: map[string]string{"myAttribute": "76"}},
		{ThingName: "other", Attributes: map[string]string{"myAttribute": "iot"}},
		{ThingName: "dummy"},
		{ThingName: "loc2"},
		{ThingName: "bulb"},
		{ThingName: "tv1"}, {ThingName: "plasma"},
		{ThingName: "combo1", Attributes: map[string]string{"attr1": "abc", "attr2": "3", "attr3": "5"}},
		{ThingName: "combo2", Attributes: map[string]string{"attr1": "abc", "attr2": "3", "attr3": "11"}},
		{ThingName: "combo3", Attributes: map[string]string{"attr1": "abc", "attr2": "7"}},
	}
	for i, th := range things {
		th.ThingID = "id-" + th.ThingName
		th.Version = int64(i + 1)
		ix.PutThing(th)
	}
	mustPutShadow(t, ix, "abc", "", map[string]any{"reported": map[string]any{"stats": map[string]any{"battery": 80}, "firmware": "v2"}})
	mustPutShadow(t, ix, "abd", "", map[string]any{"reported": map[string]any{"myvalues": []any{1, 2, 3}, "location": "x"}})
	mustPutShadow(t, ix, "loc2", "", map[string]any{
		"reported": map[string]any{"location": "y"}, "desired": map[string]any{"stats": map[string]any{"battery": 50}}})
	mustPutShadow(t, ix, "other", "", map[string]any{"desired": map[string]any{"x": 1}, "reported": map[string]any{"x": 2}})
	mustPutShadow(t, ix, "bulb", "cfg", map[string]any{"reported": map[string]any{"x": 1}})
	mustPutShadow(t, ix, "bulb", "ignored", map[string]any{"reported": map[string]any{"x": 1}})
	ix.PutConnectivity("other", Connectivity{Connected: true, Timestamp: 1557651700000})
	ix.PutConnectivity("abc", Connectivity{Connected: false, Timestamp: 1557651800000, DisconnectReason: "CONNECTION_LOST"})
	ix.PutConnectivity("abd", Connectivity{Connected: true, Timestamp: 1557900000000})
	return ix
}

// TestDocumentedExamples runs every example query of AWS's example table
// (and the syntax page's), each expectation derived from its "Result"
// column.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/example-queries.html#example-queries
func TestDocumentedExamples(t *testing.T) {
	ix := fleet(t)
	everyone := search(t, ix, "*")
	var notLegacy []string
	for _, n := range everyone {
		if n != "myThingName" {
			notLegacy = append(notLegacy, n)
		}
	}
	tests := []struct {
		q    string
		want []string
	}{
		{"abc", []string{"abc", "combo1", "combo2", "combo3"}}, // "abc" in any registry or shadow field: a name or attr1
		{"thingName:myThingName", []string{"myThingName"}},
		{"thingName:my*", []string{"myThingName"}},
		{"thingName:*my", []string{"dummy"}},
		{"thingName:*my*", []string{"dummy", "myThingName"}},
		{"thingName:ab?", []string{"abc", "abd"}},
		{"thingTypeName:aa", []string{"myThingName"}},
		{"thingGroupNames:a", []string{"abc"}},
		{"thingGroupNames:a*", []string{"abc", "myThingName"}},
		{"attributes.myAttribute:75", []string{"myThingName"}},
		{"attributes.myAttribute:[75 TO 80]", []string{"abc", "abd", "myThingName"}},
		{"attributes.myAttribute:{75 TO 80]", []string{"abc", "abd"}},
		{`attributes.serialNumber:["abcd" TO "abcf"]`, []string{"myThingName"}},
		{"attributes.myAttribute:i*t", []string{"other"}},
		{"attributes.attr1:abc AND attributes.attr2<5 NOT attributes.attr3>10", []string{"combo1"}},
		{"shadow.hasDelta:true", []string{"loc2", "other"}}, // desired values reported lacks or differs on
		{"NOT attributes.model:legacy", notLegacy},
		{"shadow.reported.stats.battery:{70 TO 100} (v2 OR v3) NOT attributes.model:legacy", []string{"abc"}},
		{"shadow.reported.myvalues:2", []string{"abd"}},
		{"shadow.reported.location:* NOT shadow.desired.stats.battery:*", []string{"abd"}},
		{"connectivity.connected:true", []string{"abd", "other"}},
		{"connectivity.connected:false", []string{"abc"}},
		{"connectivity.connected:true AND connectivity.timestamp : [1557651600000 TO 1557867600000]", []string{"other"}},
		{"connectivity.connected:false AND connectivity.timestamp : [1557651600000 TO 1557867600000]", []string{"abc"}},
		{"connectivity.connected:true AND connectivity.timestamp > 1557651600000", []string{"abd", "other"}},
		{"connectivity.connected:*", []string{"abc", "abd", "other"}},
		// query-syntax.html: field grouping with an excluded term.
		{"thingName:(tv* AND -plasma)", []string{"tv1"}},
		{"shadow.name.cfg.reported.x:1", []string{"bulb"}},
		{"shadow.name.ignored.reported.x:1", nil}, // not in filter.namedShadowNames
		{"registry.version:1", nil},               // versions are not searchable
		{"shadow.version:1", nil},
	}
	for _, tt := range tests {
		if got := search(t, ix, tt.q); !sameNames(got, tt.want) {
			t.Errorf("%q = %v, want %v", tt.q, got, tt.want)
		}
	}
}
