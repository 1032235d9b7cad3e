package fleetindex

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
)

// TestResultShape: the documented members, `shadow` as a JSON string
// without the state wrapper, and members of absent data left out.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#search-index
func TestResultShape(t *testing.T) {
	ix := newIndex(t, fullConfig())
	ix.PutThing(Thing{ThingName: "bulb1", ThingID: "id1", ThingTypeName: "LightBulb", ThingGroupNames: []string{"LightBulbs"},
		Attributes: map[string]string{"model": "123", "wattage": "75"}})
	ix.PutThing(Thing{ThingName: "bare", ThingID: "id2"})
	mustPutShadow(t, ix, "bulb1", "", map[string]any{"reported": map[string]any{"power": "on"}})
	mustPutShadow(t, ix, "bulb1", "cfg", map[string]any{"reported": map[string]any{"x": 1}})
	ix.PutConnectivity("bulb1", Connectivity{Connected: true, Timestamp: 1556649855046})
	out, err := ix.SearchIndex(SearchIndexInput{QueryString: "thingName:bulb* AND attributes.wattage>=60 AND connectivity.connected:true"})
	if err != nil || len(out.Things) != 1 {
		t.Fatalf("SearchIndex = %+v, %v", out, err)
	}
	b, err := json.Marshal(out.Things[0])
	if err != nil {
		t.Fatal(err)
	}
	var wire map[string]any
	if err := json.Unmarshal(b, &wire); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"thingName", "thingId", "thingTypeName", "thingGroupNames", "attributes", "shadow", "connectivity"} {
		if _, ok := wire[k]; !ok {
			t.Errorf("result lacks %s: %s", k, b)
		}
	}
	var shadow map[string]any
	if err := json.Unmarshal([]byte(wire["shadow"].(string)), &shadow); err != nil {
		t.Fatalf("shadow is not a JSON string: %v", err)
	}
	if _, ok := shadow["state"]; ok || shadow["reported"] == nil || shadow["name"] == nil {
		t.Errorf("shadow = %v, want reported at the top and named shadows under name", shadow)
	}
	if c := wire["connectivity"].(map[string]any); c["connected"] != true || c["timestamp"] != 1556649855046.0 {
		t.Errorf("connectivity = %v", c)
	}
	bare, _ := ix.SearchIndex(SearchIndexInput{QueryString: "thingName:bare"})
	b, _ = json.Marshal(bare.Things[0])
	if string(b) != `{"thingName":"bare","thingId":"id2"}` {
		t.Errorf("bare thing = %s, want no thingTypeName, thingGroupNames, shadow or connectivity", b)
	}
}

// TestPagination: maxResults=1 over 3 things gives 3 pages, the last
// without nextToken.
func TestPagination(t *testing.T) {
	ix := newIndex(t, fullConfig())
	for _, n := range []string{"c", "a", "b"} {
		ix.PutThing(Thing{ThingName: n})
	}
	one := 1
	var got []string
	token := ""
	for page := 0; page < 3; page++ {
		out, err := ix.SearchIndex(SearchIndexInput{QueryString: "*", MaxResults: &one, NextToken: token})
		if err != nil || len(out.Things) != 1 {
			t.Fatalf("page %d = %+v, %v", page, out, err)
		}
		got = append(got, out.Things[0].ThingName)
		token = out.NextToken
		if (page == 2) != (token == "") {
			t.Fatalf("page %d nextToken %q", page, token)
		}
	}
	if strings.Join(got, ",") != "a,b,c" {
		t.Errorf("pages = %v", got)
	}
}

// TestSearchErrors: AWS's error for each bad request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_SearchIndex.html#API_SearchIndex_Errors
func TestSearchErrors(t *testing.T) {
	ix := newIndex(t, fullConfig())
	zero, big := 0, 101
	tests := []struct {
		name string
		in   SearchIndexInput
		code Code
	}{
		{"empty query", SearchIndexInput{}, InvalidRequest},
		{"syntax", SearchIndexInput{QueryString: "thingName:(a"}, InvalidQuery},
		{"13 terms", SearchIndexInput{QueryString: "a b c d e f g h i j k l m"}, InvalidQuery},
		{"two leading wildcards", SearchIndexInput{QueryString: "thingName:*a thingGroupNames:*b"}, InvalidQuery},
		{"maxResults 0", SearchIndexInput{QueryString: "*", MaxResults: &zero}, InvalidRequest},
		{"maxResults 101", SearchIndexInput{QueryString: "*", MaxResults: &big}, InvalidRequest},
		{"bad token", SearchIndexInput{QueryString: "*", NextToken: "!!"}, InvalidRequest},
		{"unknown index", SearchIndexInput{QueryString: "*", IndexName: "AWS_Other"}, ResourceNotFound},
	}
	for _, tt := range tests {
		_, err := ix.SearchIndex(tt.in)
		wantCode(t, tt.name, err, tt.code)
	}
	_, err := ix.SearchIndex(SearchIndexInput{QueryString: "thingName:(a"})
	var e *Error
	if ok := errors.As(err, &e); !ok || e.Status() != 400 || !strings.HasPrefix(e.Message, "Invalid query string") {
		t.Errorf("InvalidQueryException = %#v", err)
	}
}

// TestModesGateFields: shadow fields only with REGISTRY_AND_SHADOW,
// connectivity only with STATUS.
func TestModesGateFields(t *testing.T) {
	ix := newIndex(t, IndexingConfiguration{ThingIndexingConfiguration: &ThingIndexingConfiguration{ThingIndexingMode: ModeRegistry}})
	ix.PutThing(Thing{ThingName: "t"})
	mustPutShadow(t, ix, "t", "", map[string]any{"reported": map[string]any{"x": 1}})
	ix.PutConnectivity("t", Connectivity{Connected: true})
	for _, q := range []string{"shadow.reported.x:1", "connectivity.connected:true", "shadow.hasDelta:false"} {
		if got := search(t, ix, q); len(got) != 0 {
			t.Errorf("%q in REGISTRY mode = %v, want nothing", q, got)
		}
	}
	out, _ := ix.SearchIndex(SearchIndexInput{QueryString: "*"})
	if out.Things[0].Shadow != "" || out.Things[0].Connectivity != nil {
		t.Errorf("REGISTRY result shows shadow or connectivity: %+v", out.Things[0])
	}
	if err := ix.UpdateIndexingConfiguration(fullConfig()); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"shadow.reported.x:1", "connectivity.connected:true"} {
		if got := search(t, ix, q); len(got) != 1 {
			t.Errorf("%q after enabling = %v, want [t]", q, got)
		}
	}
}

// TestCustomFieldTypes: a String custom field compares as text, a Number
// one ignores values that are not numbers.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#index-limitations
func TestCustomFieldTypes(t *testing.T) {
	ix := newIndex(t, fullConfig())
	ix.PutThing(Thing{ThingName: "a", Attributes: map[string]string{"color": "9", "version": "x2", "plain": "9"}})
	tests := []struct {
		q    string
		want int
	}{
		{"attributes.plain>10", 0},             // undeclared: numeric, 9 < 10
		{"attributes.color>10", 0},             // String: numeric operand compares numbers only
		{"attributes.color:9", 1},              // String: text equality
		{`attributes.color:["10" TO "99"]`, 1}, // String: "9" sorts after "10"
		{"attributes.version:*", 0},            // Number: "x2" is dropped
	}
	for _, tt := range tests {
		if got := search(t, ix, tt.q); len(got) != tt.want {
			t.Errorf("%q = %v, want %d things", tt.q, got, tt.want)
		}
	}
}

// TestThingGroupSearch: the AWS_ThingGroups index and its fields.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/example-thinggroup-queries.html#example-thinggroup-queries
func TestThingGroupSearch(t *testing.T) {
	ix := newIndex(t, fullConfig())
	ix.PutThingGroup(ThingGroup{ThingGroupName: "g1", ThingGroupID: "1", Description: "top", Attributes: map[string]string{"floor": "2"}})
	ix.PutThingGroup(ThingGroup{ThingGroupName: "g2", ThingGroupID: "2", ParentGroupNames: []string{"g1"}})
	ix.PutThingGroup(ThingGroup{ThingGroupName: "g3", ThingGroupID: "3", ParentGroupNames: []string{"g2", "g1"}})
	tests := []struct {
		q    string
		want []string
	}{
		{"thingGroupName:g1", []string{"g1"}},
		{"thingGroupNames:g*", []string{"g1", "g2", "g3"}},
		{"parentGroupNames:(g1 OR g2)", []string{"g2", "g3"}},
		{"attributes.floor<3", []string{"g1"}},
		{"description:top", []string{"g1"}},
		{"version:0", nil},
	}
	for _, tt := range tests {
		out, err := ix.SearchIndex(SearchIndexInput{IndexName: ThingGroupsIndex, QueryString: tt.q})
		if err != nil {
			t.Fatalf("%q: %v", tt.q, err)
		}
		var got []string
		for _, g := range out.ThingGroups {
			got = append(got, g.ThingGroupName)
		}
		if !sameNames(got, tt.want) {
			t.Errorf("%q = %v, want %v", tt.q, got, tt.want)
		}
	}
	ix.DeleteThingGroup("g3")
	out, _ := ix.SearchIndex(SearchIndexInput{IndexName: ThingGroupsIndex, QueryString: "*"})
	if len(out.ThingGroups) != 2 || out.ThingGroups[0].ThingGroupDescription != "top" {
		t.Errorf("after delete = %+v", out.ThingGroups)
	}
}

// TestDeleteAndUnregisteredShadow: a shadow without a registered thing is
// not indexed; a deleted thing leaves the index.
func TestDeleteAndUnregisteredShadow(t *testing.T) {
	ix := newIndex(t, fullConfig())
	mustPutShadow(t, ix, "ghost", "", map[string]any{"reported": map[string]any{"x": 1}})
	if got := search(t, ix, "shadow.reported.x:1"); len(got) != 0 {
		t.Errorf("unregistered shadow indexed: %v", got)
	}
	ix.PutThing(Thing{ThingName: "ghost"})
	if got := search(t, ix, "shadow.reported.x:1"); len(got) != 1 {
		t.Errorf("shadow of a registered thing not indexed: %v", got)
	}
	ix.DeleteShadow("ghost", "")
	if got := search(t, ix, "shadow.reported.x:1"); len(got) != 0 {
		t.Errorf("deleted shadow still indexed: %v", got)
	}
	ix.DeleteThing("ghost")
	if got := search(t, ix, "*"); len(got) != 0 {
		t.Errorf("deleted thing still indexed: %v", got)
	}
	if err := ix.PutShadow("ghost", "", json.RawMessage(`{`)); err == nil {
		t.Error("PutShadow accepted a malformed document")
	}
}

// TestConcurrentFeedAndSearch: feeding and searching from many goroutines
// is race-free (run with -race).
func TestConcurrentFeedAndSearch(t *testing.T) {
	ix := newIndex(t, fullConfig())
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				name := string(rune('a'+w)) + string(rune('a'+i%26))
				ix.PutThing(Thing{ThingName: name, Attributes: map[string]string{"n": "1"}})
				_ = ix.PutShadow(name, "", json.RawMessage(`{"state":{"reported":{"x":1}}}`))
				ix.PutConnectivity(name, Connectivity{Connected: i%2 == 0})
				if _, err := ix.SearchIndex(SearchIndexInput{QueryString: "attributes.n:1"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	q, err := Compile("shadow.reported.x:1")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ix.MatchingThings(q); err != nil || len(got) != 4*26 {
		t.Errorf("%d things indexed, want %d", len(got), 4*26)
	}
}
