package shadow_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotemu/iotemu/shadow"
)

func TestNamedAndClassicAreIndependent(t *testing.T) {
	svc, rec, _ := newService(t)
	ctx := context.Background()
	mustUpdate(t, svc, "t", "", `{"state":{"reported":{"c":1}}}`)
	mustUpdate(t, svc, "t", "", `{"state":{"reported":{"c":2}}}`)
	mustUpdate(t, svc, "t", "s1", `{"state":{"reported":{"s":1}}}`)
	mustUpdate(t, svc, "t", "s2", `{"state":{"desired":{"s":2}}}`)
	msgs := rec.take()
	if got := len(on(msgs, "$aws/things/t/shadow/name/s2/update/delta")); got != 1 {
		t.Errorf("named delta messages: got %d, want 1", got)
	}
	if got := len(on(msgs, "$aws/things/t/shadow/update/delta")); got != 0 {
		t.Errorf("classic delta messages: got %d, want 0", got)
	}
	mustDelete(t, svc, "t", "s2")
	for _, tt := range []struct {
		name    string
		version int64
		state   string
	}{{"", 2, `{"reported":{"c":2}}`}, {"s1", 1, `{"reported":{"s":1}}`}} {
		sh, ok, err := svc.Snapshot(ctx, "t", tt.name)
		if err != nil || !ok {
			t.Fatalf("Snapshot(%q): got ok=%v err=%v, want the shadow", tt.name, ok, err)
		}
		if sh.Version != tt.version || string(sh.State) != tt.state {
			t.Errorf("shadow %q: got version %d state %s, want %d %s", tt.name, sh.Version, sh.State, tt.version, tt.state)
		}
	}
	if _, err := svc.Get(ctx, "t", "s2"); !errors.Is(err, shadow.ErrShadowNotFound) {
		t.Errorf("Get deleted s2: got %v, want ErrShadowNotFound", err)
	}
	if _, err := svc.Get(ctx, "t", "s2"); shadow.AsError(err).Message != "No shadow exists with name: 't~s2'" {
		t.Errorf("REST 404 text: got %q, want thing~shadow", shadow.AsError(err).Message)
	}
	if _, err := svc.Get(ctx, "other", ""); !errors.Is(err, shadow.ErrShadowNotFound) {
		t.Errorf("Get other thing: got %v, want ErrShadowNotFound", err)
	}
}

func TestListNamedPagination(t *testing.T) {
	svc, _, _ := newService(t)
	ctx := context.Background()
	mustUpdate(t, svc, "t", "", `{"state":{}}`)
	for _, n := range []string{"e", "b", "a", "d", "c", "gone"} {
		mustUpdate(t, svc, "t", n, `{"state":{}}`)
	}
	mustUpdate(t, svc, "other", "zz", `{"state":{}}`)
	mustDelete(t, svc, "t", "gone")
	var pages [][]string
	token := ""
	for {
		res, err := svc.ListNamed(ctx, "t", 2, token)
		if err != nil {
			t.Fatalf("ListNamed: %v", err)
		}
		pages = append(pages, res.Results)
		if res.Timestamp != 1_700_000_000 {
			t.Errorf("timestamp: got %d, want 1700000000", res.Timestamp)
		}
		if token = res.NextToken; token == "" {
			break
		}
	}
	if diff := cmp.Diff([][]string{{"a", "b"}, {"c", "d"}, {"e"}}, pages); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	res, err := svc.ListNamed(ctx, "t", 0, "")
	if err != nil || len(res.Results) != 5 || res.NextToken != "" {
		t.Errorf("default page: got %v %v, want 5 names and no token", res, err)
	}
	empty, err := svc.ListNamed(ctx, "nobody", 0, "")
	if err != nil {
		t.Fatalf("ListNamed(nobody): %v", err)
	}
	b, _ := json.Marshal(empty)
	if got, want := string(b), `{"results":[],"timestamp":1700000000}`; got != want {
		t.Errorf("empty list body: got %s, want %s", got, want)
	}
}

func TestRESTNotifications(t *testing.T) {
	for _, tt := range []struct {
		name      string
		deltaOnly bool
		want      []string
	}{
		{"default", false, []string{"update/accepted", "update/documents", "update/delta", "delete/accepted"}},
		{"RESTDeltaOnly", true, []string{"update/delta"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			svc, rec, _ := newService(t, func(c *shadow.Config) { c.Compat.RESTDeltaOnly = tt.deltaOnly })
			mustUpdate(t, svc, "t", "", `{"state":{"desired":{"a":1}}}`)
			mustGet(t, svc, "t", "")
			mustDelete(t, svc, "t", "")
			var got []string
			for _, m := range rec.take() {
				got = append(got, strings.TrimPrefix(m.Topic, "$aws/things/t/shadow/"))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("published topics (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeltaRepublish(t *testing.T) {
	for _, tt := range []struct {
		name        string
		onlyChanged bool
		want        int
	}{{"default: delta whenever non-empty", false, 1}, {"DeltaOnlyWhenChanged", true, 0}} {
		t.Run(tt.name, func(t *testing.T) {
			svc, rec, _ := newService(t, func(c *shadow.Config) { c.Compat.DeltaOnlyWhenChanged = tt.onlyChanged })
			mustUpdate(t, svc, "t", "", `{"state":{"desired":{"a":1}}}`)
			rec.take()
			mustUpdate(t, svc, "t", "", `{"state":{"reported":{"other":1}}}`)
			if got := len(on(rec.take(), "/update/delta")); got != tt.want {
				t.Errorf("delta messages after an unrelated reported update: got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestMergeRules(t *testing.T) {
	tests := []struct {
		name    string
		compat  shadow.Compat
		updates []string
		want    string // GET state
	}{
		{"object replaces scalar", shadow.Compat{}, []string{`{"state":{"desired":{"b":3}}}`, `{"state":{"desired":{"b":{"c":1}}}}`}, `{"desired":{"b":{"c":1}},"delta":{"b":{"c":1}}}`},
		{"scalar replaces object", shadow.Compat{}, []string{`{"state":{"desired":{"b":{"c":1}}}}`, `{"state":{"desired":{"b":3}}}`}, `{"desired":{"b":3},"delta":{"b":3}}`},
		{"emptied object kept", shadow.Compat{}, []string{`{"state":{"reported":{"o":{"x":1},"k":1}}}`, `{"state":{"reported":{"o":{"x":null}}}}`}, `{"reported":{"k":1,"o":{}}}`},
		{"emptied object pruned", shadow.Compat{PruneEmptiedObjects: true}, []string{`{"state":{"reported":{"o":{"x":1},"k":1}}}`, `{"state":{"reported":{"o":{"x":null}}}}`}, `{"reported":{"k":1}}`},
		{"new object of nulls stored empty", shadow.Compat{}, []string{`{"state":{"reported":{"a":{"b":null}}}}`}, `{"reported":{"a":{}}}`},
		{"null for a missing key", shadow.Compat{}, []string{`{"state":{"reported":{"a":1}}}`, `{"state":{"reported":{"zz":null}}}`}, `{"reported":{"a":1}}`},
		{"state null clears all", shadow.Compat{}, []string{`{"state":{"reported":{"a":1},"desired":{"a":2}}}`, `{"state":null}`}, `{}`},
		{"numbers compared by value", shadow.Compat{}, []string{`{"state":{"desired":{"n":1},"reported":{"n":1.0}}}`}, `{"desired":{"n":1},"reported":{"n":1.0}}`},
		{"numbers compared as text", shadow.Compat{DeltaComparesNumbersAsText: true}, []string{`{"state":{"desired":{"n":1},"reported":{"n":1.0}}}`}, `{"desired":{"n":1},"reported":{"n":1.0},"delta":{"n":1}}`},
		{"desired {} vs reported object: no delta", shadow.Compat{}, []string{`{"state":{"desired":{"o":{}},"reported":{"o":{"a":1}}}}`}, `{"desired":{"o":{}},"reported":{"o":{"a":1}}}`},
		{"html characters kept", shadow.Compat{}, []string{`{"state":{"reported":{"h":"<a&b>"}}}`}, `{"reported":{"h":"<a&b>"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _, _ := newService(t, func(c *shadow.Config) { c.Compat = tt.compat })
			for _, u := range tt.updates {
				mustUpdate(t, svc, "t", "", u)
			}
			b, err := svc.Get(context.Background(), "t", "")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			var doc struct{ State json.RawMessage }
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatalf("decode %s: %v", b, err)
			}
			if got := string(doc.State); got != tt.want {
				t.Errorf("state: got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestVersionOnCreate(t *testing.T) {
	svc, _, _ := newService(t)
	if _, err := svc.Update(context.Background(), "t", "", []byte(`{"state":{},"version":1}`)); !errors.Is(err, shadow.ErrVersionConflict) {
		t.Errorf("version 1 on create: got %v, want ErrVersionConflict", err)
	}
	if v := versionOf(t, mustUpdate(t, svc, "t", "", `{"state":{},"version":0}`)); v != 1 {
		t.Errorf("version 0 on create: got version %d, want 1", v)
	}
	strict, _, _ := newService(t, func(c *shadow.Config) { c.Compat.RejectVersionOnCreate = true })
	if _, err := strict.Update(context.Background(), "t", "", []byte(`{"state":{},"version":0}`)); !errors.Is(err, shadow.ErrVersionConflict) {
		t.Errorf("RejectVersionOnCreate: got %v, want ErrVersionConflict", err)
	}
}

func TestSetAndSnapshot(t *testing.T) {
	svc, rec, _ := newService(t)
	ctx := context.Background()
	sh, err := shadow.ParseDocument([]byte(`{"state":{"desired":{"a":[1,2]},"reported":{}}}`))
	if err != nil {
		t.Fatalf("ParseDocument: %v", err)
	}
	if err := svc.Set(ctx, "t", "n", sh); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if msgs := rec.take(); len(msgs) != 0 {
		t.Errorf("Set published %d messages, want 0", len(msgs))
	}
	got, ok, err := svc.Snapshot(ctx, "t", "n")
	if err != nil || !ok {
		t.Fatalf("Snapshot: got ok=%v err=%v", ok, err)
	}
	want := shadow.Shadow{
		State:    json.RawMessage(`{"desired":{"a":[1,2]}}`),
		Metadata: json.RawMessage(`{"desired":{"a":[{"timestamp":1700000000},{"timestamp":1700000000}]}}`),
		Version:  1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("snapshot (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{"state":{"delta":{}}}`, `{"state":{"desired":1}}`, `[]`, `{"state":"x"}`} {
		if _, err := shadow.ParseDocument([]byte(bad)); err == nil {
			t.Errorf("ParseDocument(%s): got nil error, want one", bad)
		}
	}
}

func TestHandleMQTTTopics(t *testing.T) {
	svc, _, _ := newService(t)
	for _, topic := range []string{"$aws/things/t/shadow/update/accepted", "$aws/things/t/shadow/get/rejected", "a/b", "$aws/things/t/shadow/list"} {
		if err := svc.HandleMQTT(context.Background(), topic, nil); !errors.Is(err, shadow.ErrNotRequestTopic) {
			t.Errorf("HandleMQTT(%s): got %v, want ErrNotRequestTopic", topic, err)
		}
	}
}

func TestPublisherErrors(t *testing.T) {
	boom := errors.New("broker down")
	svc, err := shadow.New(shadow.Config{Publisher: shadow.PublisherFunc(func(context.Context, string, []byte) error { return boom })})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := svc.HandleMQTT(context.Background(), "$aws/things/t/shadow/update", []byte(`{"state":{}}`)); !errors.Is(err, boom) {
		t.Errorf("HandleMQTT with failing publisher: got %v, want %v", err, boom)
	}
	if _, err := svc.Update(context.Background(), "t", "", []byte(`{"state":{}}`)); err != nil {
		t.Errorf("REST Update with failing publisher: got %v, want nil (the update is committed)", err)
	}
}

func TestParseTopic(t *testing.T) {
	tests := []struct {
		topic string
		want  shadow.Topic
		ok    bool
	}{
		{"$aws/things/t/shadow/get", shadow.Topic{Thing: "t", Op: shadow.OpGet}, true},
		{"$aws/things/t/shadow/update", shadow.Topic{Thing: "t", Op: shadow.OpUpdate}, true},
		{"$aws/things/t/shadow/delete/accepted", shadow.Topic{Thing: "t", Op: shadow.OpDelete, Suffix: "accepted"}, true},
		{"$aws/things/t/shadow/update/delta", shadow.Topic{Thing: "t", Op: shadow.OpUpdate, Suffix: "delta"}, true},
		{"$aws/things/t/shadow/update/documents", shadow.Topic{Thing: "t", Op: shadow.OpUpdate, Suffix: "documents"}, true},
		{"$aws/things/t/shadow/name/n/update", shadow.Topic{Thing: "t", Name: "n", Op: shadow.OpUpdate}, true},
		{"$aws/things/t/shadow/name/n/get/rejected", shadow.Topic{Thing: "t", Name: "n", Op: shadow.OpGet, Suffix: "rejected"}, true},
		{"$aws/things/t/shadow/name/get/update", shadow.Topic{Thing: "t", Name: "get", Op: shadow.OpUpdate}, true},
		{"$aws/things/t/shadow/name/update", shadow.Topic{}, false},
		{"$aws/things/t/shadow/get/delta", shadow.Topic{}, false},
		{"$aws/things/t/shadow/update/delta/x", shadow.Topic{}, false},
		{"$aws/things/t/shadow", shadow.Topic{}, false},
		{"$aws/things//shadow/get", shadow.Topic{}, false},
		{"$aws/things/+/shadow/get", shadow.Topic{}, false},
		{"$aws/things/t/shadow/name/#/get", shadow.Topic{}, false},
		{"$aws/things/t/jobs/get", shadow.Topic{}, false},
		{"aws/things/t/shadow/get", shadow.Topic{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			got, ok := shadow.ParseTopic(tt.topic)
			if ok != tt.ok || got != tt.want {
				t.Errorf("ParseTopic: got %+v %v, want %+v %v", got, ok, tt.want, tt.ok)
			}
			if ok && got.String() != tt.topic {
				t.Errorf("String: got %q, want %q", got.String(), tt.topic)
			}
			if ok && got.IsRequest() != (tt.want.Suffix == "") {
				t.Errorf("IsRequest: got %v, want %v", got.IsRequest(), tt.want.Suffix == "")
			}
		})
	}
}
