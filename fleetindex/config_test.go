package fleetindex

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestFreshConfiguration: a new account's configuration is the CLI
// sample, all OFF, and no index exists.
// AWS: https://docs.aws.amazon.com/cli/latest/reference/iot/get-indexing-configuration.html#examples
func TestFreshConfiguration(t *testing.T) {
	ix := New(Options{})
	b, err := json.Marshal(ix.GetIndexingConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"thingIndexingConfiguration":{"thingIndexingMode":"OFF","thingConnectivityIndexingMode":"OFF"},"thingGroupIndexingConfiguration":{"thingGroupIndexingMode":"OFF"}}`
	if string(b) != want {
		t.Errorf("GetIndexingConfiguration = %s, want %s", b, want)
	}
	if out, err := ix.ListIndices(0, ""); err != nil || len(out.IndexNames) != 0 {
		t.Errorf("ListIndices = %+v, %v; want none", out, err)
	}
	_, err = ix.SearchIndex(SearchIndexInput{QueryString: "*"})
	wantCode(t, "SearchIndex with indexing off", err, ResourceNotFound)
	_, err = ix.DescribeIndex(ThingsIndex)
	wantCode(t, "DescribeIndex with indexing off", err, ResourceNotFound)
}

// TestEnabledConfiguration: Get echoes the modes and custom fields and
// adds the managed fields of the enabled sources.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#update-index-examples
func TestEnabledConfiguration(t *testing.T) {
	ix := newIndex(t, fullConfig())
	got := ix.GetIndexingConfiguration()
	tc := got.ThingIndexingConfiguration
	if tc.DeviceDefenderIndexingMode != ModeOff || tc.NamedShadowIndexingMode != NamedShadowOn {
		t.Errorf("modes = %+v", tc)
	}
	names := map[string]string{}
	for _, f := range tc.ManagedFields {
		names[f.Name] = f.Type
	}
	for _, f := range append(append(append([]Field{}, registryManaged...), shadowManaged...), append(namedShadowManaged, connectivityManaged...)...) {
		if names[f.Name] != f.Type {
			t.Errorf("managed field %s: got %q, want %q", f.Name, names[f.Name], f.Type)
		}
	}
	if len(tc.ManagedFields) != 13 {
		t.Errorf("%d managed fields, want 13", len(tc.ManagedFields))
	}
	if len(tc.CustomFields) != 5 || tc.Filter.NamedShadowNames[0] != "cfg" {
		t.Errorf("custom fields / filter not echoed: %+v", tc)
	}
	if len(got.ThingGroupIndexingConfiguration.ManagedFields) != len(groupManaged) {
		t.Errorf("group managed fields = %v", got.ThingGroupIndexingConfiguration.ManagedFields)
	}
	tc.CustomFields[0].Name = "mutated"
	if ix.GetIndexingConfiguration().ThingIndexingConfiguration.CustomFields[0].Name == "mutated" {
		t.Error("GetIndexingConfiguration shares its slices with the index")
	}
}

// TestConfigurationErrors: each invalid configuration is refused with
// InvalidRequestException and leaves the old one in place.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ThingIndexingConfiguration.html#API_ThingIndexingConfiguration_Contents
func TestConfigurationErrors(t *testing.T) {
	thing := func(mut func(*ThingIndexingConfiguration)) IndexingConfiguration {
		c := &ThingIndexingConfiguration{ThingIndexingMode: ModeRegistry}
		mut(c)
		return IndexingConfiguration{ThingIndexingConfiguration: c}
	}
	tests := []struct {
		name string
		in   IndexingConfiguration
		msg  string
	}{
		{"missing mode", thing(func(c *ThingIndexingConfiguration) { c.ThingIndexingMode = "" }), "Value null at 'thingIndexingConfiguration.thingIndexingMode'"},
		{"bad mode", thing(func(c *ThingIndexingConfiguration) { c.ThingIndexingMode = "ON" }), "enum value set: [REGISTRY, REGISTRY_AND_SHADOW, OFF]"},
		{"bad connectivity", thing(func(c *ThingIndexingConfiguration) { c.ThingConnectivityIndexingMode = "ON" }), "thingConnectivityIndexingMode"},
		{"status with OFF", thing(func(c *ThingIndexingConfiguration) {
			c.ThingIndexingMode = ModeOff
			c.ThingConnectivityIndexingMode = ConnectivityStatus
		}), "thingIndexingMode is OFF"},
		{"shadow field with REGISTRY", thing(func(c *ThingIndexingConfiguration) {
			c.CustomFields = []Field{{"shadow.reported.x", TypeNumber}}
		}), "not valid for the current indexing mode"},
		{"named field without named mode", thing(func(c *ThingIndexingConfiguration) {
			c.CustomFields = []Field{{"shadow.name.a.reported.x", TypeNumber}}
		}), "not valid"},
		{"space in field", thing(func(c *ThingIndexingConfiguration) { c.CustomFields = []Field{{"attributes.a b", TypeString}} }), "not valid"},
		{"bad type", thing(func(c *ThingIndexingConfiguration) { c.CustomFields = []Field{{"attributes.a", "Text"}} }), "[Number, String, Boolean]"},
		{"duplicate", thing(func(c *ThingIndexingConfiguration) {
			c.CustomFields = []Field{{"attributes.a", TypeString}, {"attributes.a", TypeNumber}}
		}), "Duplicate"},
		{"shadow name", thing(func(c *ThingIndexingConfiguration) {
			c.NamedShadowIndexingMode = NamedShadowOn
			c.Filter = &IndexingFilter{NamedShadowNames: []string{"bad name"}}
		}), "namedShadowNames.1.member"},
		{"11 shadows", thing(func(c *ThingIndexingConfiguration) {
			c.Filter = &IndexingFilter{NamedShadowNames: strings.Split("a b c d e f g h i j k", " ")}
		}), "limit of 10"},
		{"two geolocations", thing(func(c *ThingIndexingConfiguration) {
			c.Filter = &IndexingFilter{GeoLocations: []GeoLocationTarget{{Name: "a"}, {Name: "b"}}}
		}), "geoLocation"},
		{"group mode missing", IndexingConfiguration{ThingGroupIndexingConfiguration: &ThingGroupIndexingConfiguration{}}, "thingGroupIndexingMode"},
		{"group mode bad", IndexingConfiguration{ThingGroupIndexingConfiguration: &ThingGroupIndexingConfiguration{ThingGroupIndexingMode: "YES"}}, "[ON, OFF]"},
	}
	for _, tt := range tests {
		ix := New(Options{})
		err := ix.UpdateIndexingConfiguration(tt.in)
		wantCode(t, tt.name, err, InvalidRequest)
		if err != nil && !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v, want a message with %q", tt.name, err, tt.msg)
		}
		if ix.GetIndexingConfiguration().ThingIndexingConfiguration.ThingIndexingMode != ModeOff {
			t.Errorf("%s: a refused update changed the configuration", tt.name)
		}
	}
}

// TestDisableRefused: the root's guard keeps indexing on while dynamic
// thing groups exist.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/dynamic-thing-groups.html#indexing-backfill-conflict
func TestDisableRefused(t *testing.T) {
	ix := New(Options{CanDisable: func() error { return errors.New("dynamic thing groups exist") }})
	on := IndexingConfiguration{ThingIndexingConfiguration: &ThingIndexingConfiguration{ThingIndexingMode: ModeRegistry}}
	if err := ix.UpdateIndexingConfiguration(on); err != nil {
		t.Fatal(err)
	}
	off := IndexingConfiguration{ThingIndexingConfiguration: &ThingIndexingConfiguration{ThingIndexingMode: ModeOff}}
	wantCode(t, "disable", ix.UpdateIndexingConfiguration(off), InvalidRequest)
}

// TestDescribeAndList: schemas per mode, and ListIndices of both.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeIndex.html#API_DescribeIndex_ResponseSyntax
func TestDescribeAndList(t *testing.T) {
	tests := []struct {
		cfg  ThingIndexingConfiguration
		want string
	}{
		{ThingIndexingConfiguration{ThingIndexingMode: ModeRegistry}, "REGISTRY"},
		{ThingIndexingConfiguration{ThingIndexingMode: ModeRegistryAndShadow}, "REGISTRY_AND_SHADOW"},
		{ThingIndexingConfiguration{ThingIndexingMode: ModeRegistry, ThingConnectivityIndexingMode: ConnectivityStatus}, "REGISTRY_AND_CONNECTIVITY_STATUS"},
		{ThingIndexingConfiguration{ThingIndexingMode: ModeRegistryAndShadow, ThingConnectivityIndexingMode: ConnectivityStatus}, "REGISTRY_AND_SHADOW_AND_CONNECTIVITY_STATUS"},
		{ThingIndexingConfiguration{ThingIndexingMode: ModeRegistryAndShadow, NamedShadowIndexingMode: NamedShadowOn}, "MULTI_INDEXING_MODE"},
	}
	for _, tt := range tests {
		cfg := tt.cfg
		ix := newIndex(t, IndexingConfiguration{ThingIndexingConfiguration: &cfg})
		out, err := ix.DescribeIndex(ThingsIndex)
		if err != nil || out.Schema != tt.want || out.IndexStatus != StatusActive {
			t.Errorf("DescribeIndex(%+v) = %+v, %v; want schema %s ACTIVE", tt.cfg, out, err, tt.want)
		}
	}
	ix := newIndex(t, fullConfig())
	out, err := ix.DescribeIndex(ThingGroupsIndex)
	if err != nil || out.Schema != "THING_GROUPS" {
		t.Errorf("DescribeIndex(AWS_ThingGroups) = %+v, %v", out, err)
	}
	list, err := ix.ListIndices(1, "")
	if err != nil || len(list.IndexNames) != 1 || list.NextToken == "" {
		t.Fatalf("ListIndices page 1 = %+v, %v", list, err)
	}
	list2, err := ix.ListIndices(1, list.NextToken)
	if err != nil || len(list2.IndexNames) != 1 || list2.NextToken != "" || list2.IndexNames[0] == list.IndexNames[0] {
		t.Errorf("ListIndices page 2 = %+v, %v", list2, err)
	}
	_, err = ix.DescribeIndex("Nope")
	wantCode(t, "DescribeIndex(Nope)", err, ResourceNotFound)
	_, err = ix.DescribeIndex("bad name!")
	wantCode(t, "DescribeIndex(bad name!)", err, InvalidRequest)
}

// TestBuildDelay: with a build delay, a new index is BUILDING (queries
// refused with IndexNotReadyException) and a changed one REBUILDING
// (queries answered).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#describe-index
func TestBuildDelay(t *testing.T) {
	now := time.Unix(1000, 0)
	ix := New(Options{Now: func() time.Time { return now }, BuildDelay: time.Minute})
	reg := IndexingConfiguration{ThingIndexingConfiguration: &ThingIndexingConfiguration{ThingIndexingMode: ModeRegistry}}
	if err := ix.UpdateIndexingConfiguration(reg); err != nil {
		t.Fatal(err)
	}
	if out, _ := ix.DescribeIndex(ThingsIndex); out.IndexStatus != StatusBuilding {
		t.Errorf("status = %s, want BUILDING", out.IndexStatus)
	}
	_, err := ix.SearchIndex(SearchIndexInput{QueryString: "*"})
	wantCode(t, "search while BUILDING", err, IndexNotReady)
	now = now.Add(time.Minute)
	if _, err := ix.SearchIndex(SearchIndexInput{QueryString: "*"}); err != nil {
		t.Errorf("search when ACTIVE: %v", err)
	}
	shadow := IndexingConfiguration{ThingIndexingConfiguration: &ThingIndexingConfiguration{ThingIndexingMode: ModeRegistryAndShadow}}
	if err := ix.UpdateIndexingConfiguration(shadow); err != nil {
		t.Fatal(err)
	}
	if out, _ := ix.DescribeIndex(ThingsIndex); out.IndexStatus != StatusRebuilding {
		t.Errorf("status = %s, want REBUILDING", out.IndexStatus)
	}
	if _, err := ix.SearchIndex(SearchIndexInput{QueryString: "*"}); err != nil {
		t.Errorf("search while REBUILDING: %v", err)
	}
}
