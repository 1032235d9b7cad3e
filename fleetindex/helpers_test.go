package fleetindex

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"
)

// fullConfig turns on every thing source AWS's examples use.
func fullConfig() IndexingConfiguration {
	return IndexingConfiguration{
		ThingIndexingConfiguration: &ThingIndexingConfiguration{
			ThingIndexingMode:             ModeRegistryAndShadow,
			ThingConnectivityIndexingMode: ConnectivityStatus,
			NamedShadowIndexingMode:       NamedShadowOn,
			Filter:                        &IndexingFilter{NamedShadowNames: []string{"cfg"}},
			CustomFields: []Field{
				{"attributes.version", TypeNumber}, {"shadow.reported.battery", TypeNumber},
				{"attributes.color", TypeString}, {"attributes.numericAttribute2", TypeNumber},
				{"shadow.reported.on", TypeBoolean},
			},
		},
		ThingGroupIndexingConfiguration: &ThingGroupIndexingConfiguration{ThingGroupIndexingMode: GroupModeOn},
	}
}

func newIndex(t *testing.T, cfg IndexingConfiguration) *Index {
	t.Helper()
	ix := New(Options{})
	if err := ix.UpdateIndexingConfiguration(cfg); err != nil {
		t.Fatalf("UpdateIndexingConfiguration: %v", err)
	}
	return ix
}

func shadowDoc(t *testing.T, state map[string]any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(map[string]any{"state": state, "version": 1})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustPutShadow(t *testing.T, ix *Index, thing, name string, state map[string]any) {
	t.Helper()
	if err := ix.PutShadow(thing, name, shadowDoc(t, state)); err != nil {
		t.Fatal(err)
	}
}

func search(t *testing.T, ix *Index, q string) []string {
	t.Helper()
	out, err := ix.SearchIndex(SearchIndexInput{QueryString: q})
	if err != nil {
		t.Fatalf("SearchIndex(%q): %v", q, err)
	}
	names := []string{}
	for _, d := range out.Things {
		names = append(names, d.ThingName)
	}
	return names
}

func wantCode(t *testing.T, what string, err error, code Code) {
	t.Helper()
	if got := CodeOf(err); got != code {
		t.Errorf("%s: error %v, want %s", what, err, code)
	}
}

func sameNames(a, b []string) bool {
	a, b = append([]string{}, a...), append([]string{}, b...)
	sort.Strings(a)
	sort.Strings(b)
	return reflect.DeepEqual(a, b)
}
