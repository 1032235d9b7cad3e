package fleetindex

import (
	"encoding/json"
	"testing"
)

// TestMatchForDynamicGroups: the dynamic-group example of AWS's CLI
// reference ("attributes.temperature>60") through both entry points, and
// OnChange telling the root which thing to re-evaluate.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/dynamic-thing-groups.html#dynamic-thing-groups
func TestMatchForDynamicGroups(t *testing.T) {
	var changed []string
	ix := New(Options{OnChange: func(n string) { changed = append(changed, n) }})
	if err := ix.UpdateIndexingConfiguration(fullConfig()); err != nil {
		t.Fatal(err)
	}
	q, err := Compile("attributes.temperature>60")
	if err != nil {
		t.Fatal(err)
	}
	ix.PutThing(Thing{ThingName: "room", Attributes: map[string]string{"temperature": "55"}})
	if ok, err := ix.Match(q, "room"); ok || err != nil {
		t.Errorf("Match at 55 = %v, %v", ok, err)
	}
	ix.PutThing(Thing{ThingName: "room", Attributes: map[string]string{"temperature": "70"}})
	if ok, err := ix.Match(q, "room"); !ok || err != nil {
		t.Errorf("Match at 70 = %v, %v", ok, err)
	}
	if ok, _ := ix.Match(q, "missing"); ok {
		t.Error("Match of an unknown thing")
	}
	if len(changed) != 3 || changed[0] != "" || changed[2] != "room" {
		t.Errorf("OnChange calls = %q", changed)
	}

	cfg := *fullConfig().ThingIndexingConfiguration
	doc := Document{
		Thing:        Thing{ThingName: "x", Attributes: map[string]string{"temperature": "61"}},
		Shadows:      map[string]json.RawMessage{"cfg": json.RawMessage(`{"state":{"reported":{"mode":"eco"}}}`)},
		Connectivity: &Connectivity{Connected: true},
	}
	both, _ := Compile("attributes.temperature>60 AND shadow.name.cfg.reported.mode:ECO AND connectivity.connected:true")
	if !MatchDocument(both, doc, cfg) {
		t.Error("MatchDocument: no match")
	}
	cfg.ThingConnectivityIndexingMode = ModeOff
	if MatchDocument(both, doc, cfg) {
		t.Error("MatchDocument matched connectivity with connectivity indexing off")
	}
	_, err = New(Options{}).Match(q, "room")
	wantCode(t, "Match with indexing off", err, ResourceNotFound)
}

// TestBareTermSkipsConnectivity: a bare term is searched in registry,
// shadow and Device Defender fields, not connectivity.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#query-syntax-limitations
func TestBareTermSkipsConnectivity(t *testing.T) {
	ix := newIndex(t, fullConfig())
	ix.PutThing(Thing{ThingName: "t"})
	ix.PutConnectivity("t", Connectivity{Connected: false, DisconnectReason: "CONNECTION_LOST"})
	if got := search(t, ix, "CONNECTION_LOST"); len(got) != 0 {
		t.Errorf("bare term found a connectivity value: %v", got)
	}
	if got := search(t, ix, "connectivity.disconnectReason:CONNECTION_LOST"); len(got) != 1 {
		t.Errorf("field term = %v, want [t]", got)
	}
}

// TestDeviceDefenderFields: with VIOLATIONS the root's violation data is
// searchable and shown as the deviceDefender string.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/example-queries.html#example-queries
func TestDeviceDefenderFields(t *testing.T) {
	ix := newIndex(t, IndexingConfiguration{ThingIndexingConfiguration: &ThingIndexingConfiguration{
		ThingIndexingMode: ModeRegistry, DeviceDefenderIndexingMode: DefenderViolations}})
	ix.PutThing(Thing{ThingName: "t"})
	if err := ix.PutDeviceDefender("t", json.RawMessage(`{"violationCount":2,"prof":{"beh":{"inViolation":true}}}`)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"deviceDefender.violationCount>1", "deviceDefender.prof.beh.inViolation:true"} {
		if got := search(t, ix, q); len(got) != 1 {
			t.Errorf("%q = %v, want [t]", q, got)
		}
	}
	out, _ := ix.SearchIndex(SearchIndexInput{QueryString: "*"})
	if out.Things[0].DeviceDefender == "" {
		t.Error("no deviceDefender member")
	}
	if err := ix.PutDeviceDefender("t", json.RawMessage(`{`)); err == nil {
		t.Error("malformed Device Defender data accepted")
	}
}
