package shadowtest_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/shadow/shadowtest"
)

func vector(tb testing.TB, js string) shadowtest.Vector {
	tb.Helper()
	var v shadowtest.Vector
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		tb.Fatalf("vector: %v", err)
	}
	return v
}

// TestCheckDetectsDifferences: the checker must not pass wrong answers.
func TestCheckDetectsDifferences(t *testing.T) {
	v := vector(t, `{"id":"X","thing":"t","steps":[
		{"transport":"mqtt","op":"update","payload":{"state":{}},"expect":{"result":"accepted","match":"exact",
		 "response":{"state":{},"metadata":{},"version":1,"timestamp":"$NOW"},"delta":"none","version_after":1}},
		{"transport":"http","op":"get","expect":{"result":"accepted","match":"subset",
		 "response":{"metadata":{"desired":{"a":{"timestamp":"$T1"}}}},"absent":["state.delta"]}}]}`)
	good := []shadowtest.Observation{
		{Start: 100, End: 100, Accepted: true, Body: []byte(`{"state":{},"metadata":{},"version":1,"timestamp":101}`), VersionAfter: 1},
		{Start: 200, End: 200, Accepted: true, HTTPStatus: 200, Body: []byte(`{"state":{},"metadata":{"desired":{"a":{"timestamp":99}}}}`)},
	}
	run := shadowtest.NewRun(v)
	for i, o := range good {
		if p := run.Check(i, o); len(p) != 0 {
			t.Errorf("good step %d: got problems %v, want none", i+1, p)
		}
	}
	tests := []struct {
		name string
		step int
		obs  shadowtest.Observation
		want string
	}{
		{"timestamp outside window", 0, shadowtest.Observation{Start: 100, End: 100, Accepted: true, Body: []byte(`{"state":{},"metadata":{},"version":1,"timestamp":103}`), VersionAfter: 1}, "timestamp"},
		{"extra member", 0, shadowtest.Observation{Start: 100, End: 100, Accepted: true, Body: []byte(`{"state":{},"metadata":{},"version":1,"timestamp":100,"x":1}`), VersionAfter: 1}, "response.x"},
		{"unexpected delta", 0, shadowtest.Observation{Start: 100, End: 100, Accepted: true, Body: []byte(`{"state":{},"metadata":{},"version":1,"timestamp":100}`), Deltas: [][]byte{[]byte(`{}`)}, VersionAfter: 1}, "delta"},
		{"version after", 0, shadowtest.Observation{Start: 100, End: 100, Accepted: true, Body: []byte(`{"state":{},"metadata":{},"version":1,"timestamp":100}`), VersionAfter: 2}, "version after"},
		{"rejected", 0, shadowtest.Observation{Start: 100, End: 100, Body: []byte(`{"code":400,"message":"x"}`), VersionAfter: 1}, "result"},
		{"$T1 mismatch", 1, shadowtest.Observation{Start: 200, End: 200, Accepted: true, Body: []byte(`{"state":{},"metadata":{"desired":{"a":{"timestamp":200}}}}`)}, "$T1"},
		{"absent path present", 1, shadowtest.Observation{Start: 200, End: 200, Accepted: true, Body: []byte(`{"state":{"delta":{}},"metadata":{"desired":{"a":{"timestamp":100}}}}`)}, "state.delta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := shadowtest.NewRun(v)
			run.Check(0, good[0])
			p := run.Check(tt.step, tt.obs)
			if len(p) == 0 || !strings.Contains(strings.Join(p, "\n"), tt.want) {
				t.Errorf("problems: got %v, want one mentioning %q", p, tt.want)
			}
		})
	}
}

func TestStepBody(t *testing.T) {
	v := vector(t, `{"id":"X","thing":"t","shadow":"s","steps":[
		{"op":"get","payload":""},{"op":"update","payload":{"$raw":"{bad"}},{"op":"get"},
		{"op":"update","payload":{"state": {"a": 1}}},{"op":"get","shadow":null}]}`)
	for i, want := range []struct {
		body string
		ok   bool
	}{{"", true}, {"{bad", true}, {"", false}, {`{"state":{"a":1}}`, true}, {"", false}} {
		b, ok := v.Steps[i].Body()
		if string(b) != want.body || ok != want.ok {
			t.Errorf("step %d body: got %q %v, want %q %v", i+1, b, ok, want.body, want.ok)
		}
	}
	if got := v.ShadowName(0); got != "s" {
		t.Errorf("ShadowName(0): got %q, want s", got)
	}
	if got := v.ShadowName(4); got != "" {
		t.Errorf("ShadowName(4) with step-level null: got %q, want classic", got)
	}
}
