package registry_test

import (
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/registry"
)

func TestThingLifecycle(t *testing.T) {
	r, _, _ := newRegistry(t)
	th, err := r.CreateThing(registry.CreateThingInput{Name: "dev-1", Attributes: map[string]string{"color": "red"}})
	must(t, err)
	if th.Version != 1 || th.ARN != "arn:aws:iot:eu-west-1:111122223333:thing/dev-1" || len(th.ID) != 36 {
		t.Fatalf("got %+v, want version 1, ARN and UUID", th)
	}
	again, err := r.CreateThing(registry.CreateThingInput{Name: "dev-1", Attributes: map[string]string{"color": "red"}})
	if err != nil || again.ID != th.ID {
		t.Fatalf("same create: got %+v, %v, want the same thing", again, err)
	}
	_, err = r.CreateThing(registry.CreateThingInput{Name: "dev-1", Attributes: map[string]string{"color": "blue"}})
	wantCode(t, err, registry.ResourceAlreadyExists)

	v := int64(1)
	up, err := r.UpdateThing(registry.UpdateThingInput{Name: "dev-1", Attributes: map[string]string{"size": "L", "color": ""}, Merge: true, ExpectedVersion: &v})
	must(t, err)
	if up.Version != 2 || up.Attributes["size"] != "L" || len(up.Attributes) != 1 {
		t.Fatalf("merge: got %+v, want version 2 and only size=L", up)
	}
	_, err = r.UpdateThing(registry.UpdateThingInput{Name: "dev-1", ExpectedVersion: &v})
	wantCode(t, err, registry.VersionConflict)
	up, err = r.UpdateThing(registry.UpdateThingInput{Name: "dev-1", Attributes: map[string]string{"a": "1"}})
	must(t, err)
	if len(up.Attributes) != 1 || up.Attributes["a"] != "1" || up.Version != 3 {
		t.Fatalf("replace: got %+v, want only a=1, version 3", up)
	}
	wantCode(t, r.DeleteThing("dev-1", &v), registry.VersionConflict)
	must(t, r.DeleteThing("dev-1", nil))
	must(t, r.DeleteThing("dev-1", nil)) // AWS: deleting a missing thing succeeds
	_, err = r.DescribeThing("dev-1")
	wantCode(t, err, registry.ResourceNotFound)
}

func TestThingHostileInputs(t *testing.T) {
	r, _, _ := newRegistry(t)
	tests := []struct {
		name string
		in   registry.CreateThingInput
		want registry.Code
	}{
		{"empty name", registry.CreateThingInput{}, registry.InvalidRequest},
		{"slash in name", registry.CreateThingInput{Name: "a/b"}, registry.InvalidRequest},
		{"space in name", registry.CreateThingInput{Name: "a b"}, registry.InvalidRequest},
		{"name too long", registry.CreateThingInput{Name: strings.Repeat("a", 129)}, registry.InvalidRequest},
		{"unicode name", registry.CreateThingInput{Name: "dév"}, registry.InvalidRequest},
		{"bad attribute name", registry.CreateThingInput{Name: "x", Attributes: map[string]string{"a b": "1"}}, registry.InvalidRequest},
		{"empty attribute name", registry.CreateThingInput{Name: "x", Attributes: map[string]string{"": "1"}}, registry.InvalidRequest},
		{"oversized attribute", registry.CreateThingInput{Name: "x", Attributes: map[string]string{"a": strings.Repeat("v", 801)}}, registry.InvalidRequest},
		{"bad attribute value", registry.CreateThingInput{Name: "x", Attributes: map[string]string{"a": "<script>"}}, registry.InvalidRequest},
		{"4 attributes untyped", registry.CreateThingInput{Name: "x", Attributes: map[string]string{"a": "1", "b": "1", "c": "1", "d": "1"}}, registry.InvalidRequest},
		{"unknown type", registry.CreateThingInput{Name: "x", TypeName: "nope"}, registry.ResourceNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.CreateThing(tt.in)
			wantCode(t, err, tt.want)
		})
	}
	if _, err := r.CreateThing(registry.CreateThingInput{Name: "ok:_-A9", Attributes: map[string]string{"k_.,@/:#-": "v=[x]"}}); err != nil {
		t.Fatalf("every allowed character: %v", err)
	}
}

func TestListThings(t *testing.T) {
	r, _, _ := newRegistry(t)
	_, err := r.CreateThingType(registry.CreateThingTypeInput{Name: "sensor"})
	must(t, err)
	for i, n := range []string{"c", "a", "b", "d"} {
		in := registry.CreateThingInput{Name: n, Attributes: map[string]string{"model": []string{"x1", "x2", "y1", "x10"}[i]}}
		if n == "b" {
			in.TypeName = "sensor"
		}
		_, err := r.CreateThing(in)
		must(t, err)
	}
	names := func(ts []registry.Thing) string {
		var s []string
		for _, th := range ts {
			s = append(s, th.Name)
		}
		return strings.Join(s, ",")
	}
	tests := []struct {
		in   registry.ListThingsInput
		want string
	}{
		{registry.ListThingsInput{}, "a,b,c,d"},
		{registry.ListThingsInput{ThingTypeName: "sensor"}, "b"},
		{registry.ListThingsInput{AttributeName: "model", AttributeValue: "x1"}, "c"},
		{registry.ListThingsInput{AttributeName: "model", AttributeValue: "x1", UsePrefixAttributeValue: true}, "c,d"},
		{registry.ListThingsInput{AttributeName: "model"}, "a,b,c,d"},
		{registry.ListThingsInput{AttributeName: "nope"}, ""},
	}
	for _, tt := range tests {
		got, _, err := r.ListThings(tt.in)
		must(t, err)
		if names(got) != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.in, names(got), tt.want)
		}
	}
	var all []registry.Thing
	token := ""
	for {
		page, next, err := r.ListThings(registry.ListThingsInput{MaxResults: 3, NextToken: token})
		must(t, err)
		all = append(all, page...)
		if next == "" {
			break
		}
		token = next
	}
	if names(all) != "a,b,c,d" {
		t.Fatalf("pages: got %q, want a,b,c,d", names(all))
	}
	_, _, err = r.ListThings(registry.ListThingsInput{NextToken: "%%%"})
	wantCode(t, err, registry.InvalidRequest)
	_, _, err = r.ListThings(registry.ListThingsInput{MaxResults: 251})
	wantCode(t, err, registry.InvalidRequest)
}

func TestThingTypes(t *testing.T) {
	r, _, clk := newRegistry(t)
	tt, err := r.CreateThingType(registry.CreateThingTypeInput{Name: "sensor", Description: "A sensor", SearchableAttributes: []string{"model"}})
	must(t, err)
	if tt.ARN != "arn:aws:iot:eu-west-1:111122223333:thingtype/sensor" || !tt.CreationDate.Equal(t0) {
		t.Fatalf("got %+v", tt)
	}
	_, err = r.CreateThingType(registry.CreateThingTypeInput{Name: "sensor", Description: "other"})
	wantCode(t, err, registry.ResourceAlreadyExists)
	_, err = r.CreateThingType(registry.CreateThingTypeInput{Name: "t2", SearchableAttributes: []string{"a", "b", "c", "d"}})
	wantCode(t, err, registry.InvalidRequest)
	_, err = r.CreateThingType(registry.CreateThingTypeInput{Name: "t3", Description: "bad\x00"})
	wantCode(t, err, registry.InvalidRequest)

	attrs := map[string]string{}
	for i := range 50 {
		attrs["a"+strings.Repeat("x", i)] = "v"
	}
	_, err = r.CreateThing(registry.CreateThingInput{Name: "typed", TypeName: "sensor", Attributes: attrs})
	must(t, err)
	attrs["one-too-many"] = "v"
	_, err = r.CreateThing(registry.CreateThingInput{Name: "typed2", TypeName: "sensor", Attributes: attrs})
	wantCode(t, err, registry.InvalidRequest)

	wantCode(t, r.DeleteThingType("sensor"), registry.InvalidRequest) // not deprecated
	must(t, r.DeprecateThingType("sensor", false))
	_, err = r.CreateThing(registry.CreateThingInput{Name: "late", TypeName: "sensor"})
	wantCode(t, err, registry.InvalidRequest)
	clk.t = clk.t.Add(registry.DeprecationDelay - time.Second)
	wantCode(t, r.DeleteThingType("sensor"), registry.InvalidRequest) // too early
	clk.t = clk.t.Add(time.Second)
	wantCode(t, r.DeleteThingType("sensor"), registry.InvalidRequest) // still used
	_, err = r.UpdateThing(registry.UpdateThingInput{Name: "typed", RemoveThingType: true, Attributes: map[string]string{}})
	must(t, err)
	must(t, r.DeleteThingType("sensor"))
	wantCode(t, r.DeleteThingType("sensor"), registry.ResourceNotFound)
	wantCode(t, r.DeprecateThingType("sensor", true), registry.ResourceNotFound)
}

func TestThingGroups(t *testing.T) {
	r, _, _ := newRegistry(t)
	_, err := r.CreateThingGroup(registry.CreateThingGroupInput{Name: "building"})
	must(t, err)
	g, err := r.CreateThingGroup(registry.CreateThingGroupInput{Name: "floor1", ParentName: "building", Attributes: map[string]string{"level": "1"}})
	must(t, err)
	if g.Version != 1 || len(g.Ancestors) != 1 || g.Ancestors[0] != "building" {
		t.Fatalf("got %+v", g)
	}
	_, err = r.CreateThingGroup(registry.CreateThingGroupInput{Name: "x", ParentName: "missing"})
	wantCode(t, err, registry.InvalidRequest)
	_, err = r.CreateThing(registry.CreateThingInput{Name: "dev"})
	must(t, err)
	must(t, r.AddThingToThingGroup("floor1", "dev"))
	must(t, r.AddThingToThingGroup("floor1", "dev"))
	wantCode(t, r.AddThingToThingGroup("nope", "dev"), registry.ResourceNotFound)
	wantCode(t, r.AddThingToThingGroup("floor1", "nope"), registry.ResourceNotFound)
	groups, err := r.ThingGroupsForThing("dev")
	must(t, err)
	if len(groups) != 1 || groups[0] != "floor1" {
		t.Fatalf("got %v, want [floor1]", groups)
	}
	list, _, err := r.ListThingGroups(registry.ListThingGroupsInput{ParentGroup: "building"})
	must(t, err)
	if len(list) != 1 || list[0].Name != "floor1" {
		t.Fatalf("children: got %+v", list)
	}
	wantCode(t, r.DeleteThingGroup("building", nil), registry.InvalidRequest) // has a child
	must(t, r.RemoveThingFromThingGroup("floor1", "dev"))
	must(t, r.DeleteThingGroup("floor1", nil))
	must(t, r.DeleteThingGroup("floor1", nil))
	must(t, r.DeleteThingGroup("building", nil))
}

func TestThingGroupLimit(t *testing.T) {
	r, _, _ := newRegistry(t)
	_, err := r.CreateThing(registry.CreateThingInput{Name: "dev"})
	must(t, err)
	for i := range registry.MaxGroupsPerThing + 1 {
		name := "g" + strings.Repeat("x", i)
		_, err := r.CreateThingGroup(registry.CreateThingGroupInput{Name: name})
		must(t, err)
		err = r.AddThingToThingGroup(name, "dev")
		if i < registry.MaxGroupsPerThing {
			must(t, err)
		} else {
			wantCode(t, err, registry.InvalidRequest)
		}
	}
}
