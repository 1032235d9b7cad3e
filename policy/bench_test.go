package policy_test

import (
	"testing"

	"github.com/iotemu/iotemu/policy"
)

// BenchmarkEvaluate: a device policy with variables, as strict mode calls
// it on every publish and delivery.
func BenchmarkEvaluate(b *testing.B) {
	p := mustParse(b, devicePolicy)
	ps := []*policy.Policy{p}
	ctx := policy.ConnectionContext(policy.Connection{ClientID: "dev-1", ThingName: "dev-1", IsAttached: true})
	cases := []struct {
		name string
		req  policy.Request
		want bool
	}{
		{"publish", policy.Request{Action: policy.ActionPublish, Resource: topic("dt/dev-1/temp"), Context: ctx}, true},
		{"receive", policy.Request{Action: policy.ActionReceive, Resource: topic("cmd/dev-1/reboot"), Context: ctx}, true},
		{"connect-condition", policy.Request{Action: policy.ActionConnect, Resource: client("dev-1"), Context: ctx}, true},
		{"publish-denied", policy.Request{Action: policy.ActionPublish, Resource: topic("dt/dev-2/temp"), Context: ctx}, false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if policy.Evaluate(ps, c.req).Allowed() != c.want {
					b.Fatal("unexpected decision")
				}
			}
		})
	}
}
