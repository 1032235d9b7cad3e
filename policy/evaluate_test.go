package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/policy"
)

// TestPrecedence: default deny, explicit Deny wins over Allow in the same
// or another policy, NotAction/NotResource with IAM meaning.
func TestPrecedence(t *testing.T) {
	allowAll := `{"Effect":"Allow","Action":"iot:*","Resource":"*"}`
	denyB := `{"Sid":"noB","Effect":"Deny","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/b"}`
	tests := []struct {
		name     string
		policies []string
		resource string
		want     policy.Effect
		sid      string
	}{
		{"no policy", nil, topic("a"), policy.ImplicitDeny, ""},
		{"empty list of statements not matching", []string{doc(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}`)}, topic("a"), policy.ImplicitDeny, ""},
		{"allow", []string{doc(allowAll)}, topic("a"), policy.Allow, ""},
		{"deny wins same policy", []string{doc(allowAll + "," + denyB)}, topic("b"), policy.ExplicitDeny, "noB"},
		{"deny wins other policy", []string{doc(allowAll), doc(denyB)}, topic("b"), policy.ExplicitDeny, "noB"},
		{"deny first policy", []string{doc(denyB), doc(allowAll)}, topic("b"), policy.ExplicitDeny, "noB"},
		{"deny elsewhere does not apply", []string{doc(allowAll + "," + denyB)}, topic("a"), policy.Allow, ""},
		{"NotResource allow", []string{doc(`{"Effect":"Allow","Action":"iot:Publish","NotResource":"arn:aws:iot:*:*:topic/b"}`)}, topic("a"), policy.Allow, ""},
		{"NotResource excludes", []string{doc(`{"Effect":"Allow","Action":"iot:Publish","NotResource":"arn:aws:iot:*:*:topic/b"}`)}, topic("b"), policy.ImplicitDeny, ""},
		{"NotAction deny", []string{doc(allowAll + `,{"Effect":"Deny","NotAction":"iot:Connect","Resource":"*"}`)}, topic("a"), policy.ExplicitDeny, ""},
		{"NotResource unresolvable does not apply", []string{doc(allowAll + `,{"Effect":"Deny","Action":"*","NotResource":"arn:aws:iot:*:*:topic/${iot:ClientId}"}`)}, topic("a"), policy.Allow, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ps []*policy.Policy
			for _, d := range tt.policies {
				ps = append(ps, mustParse(t, d))
			}
			ps = append(ps, nil) // skipped
			got := policy.Evaluate(ps, policy.Request{Action: policy.ActionPublish, Resource: tt.resource})
			if got.Effect != tt.want || got.Sid != tt.sid {
				t.Errorf("got %v (sid %q), want %v (sid %q)", got.Effect, got.Sid, tt.want, tt.sid)
			}
			if (got.Policy == nil) != (tt.want == policy.ImplicitDeny) {
				t.Errorf("Decision.Policy: got %v for %v", got.Policy, got.Effect)
			}
		})
	}
}

// TestDevicePolicy: a typical device policy over Connect, Publish,
// Subscribe and Receive (emulator/checklist_mqtt_test.go).
func TestDevicePolicy(t *testing.T) {
	p := mustParse(t, devicePolicy)
	ctx := policy.ConnectionContext(policy.Connection{ClientID: "dev-1", ThingName: "dev-1", IsAttached: true})
	tests := []struct {
		action, resource string
		want             bool
	}{
		{policy.ActionConnect, client("dev-1"), true},
		{policy.ActionConnect, client("dev-2"), false},
		{policy.ActionPublish, topic("dt/dev-1/temp"), true},
		{policy.ActionPublish, topic("dt/dev-2/temp"), false},
		{policy.ActionRetainPublish, topic("dt/dev-1/temp"), false},
		{policy.ActionSubscribe, filter("cmd/dev-1/#"), true},
		{policy.ActionSubscribe, filter("cmd/+/#"), false},
		{policy.ActionReceive, topic("cmd/dev-1/reboot"), true},
		{policy.ActionReceive, topic("cmd/dev-2/reboot"), false},
		{policy.ActionPublish, topic("$aws/things/dev-1/shadow/update"), true},
		{policy.ActionPublish, topic("$aws/things/dev-2/shadow/update"), false},
	}
	for _, tt := range tests {
		got := policy.Evaluate([]*policy.Policy{p}, policy.Request{Action: tt.action, Resource: tt.resource, Context: ctx}).Allowed()
		if got != tt.want {
			t.Errorf("%s %s: got %v, want %v", tt.action, tt.resource, got, tt.want)
		}
	}
}

const devicePolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "iot:Connect", "Resource": "arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}",
     "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}},
    {"Effect": "Allow", "Action": "iot:Publish", "Resource": [
      "arn:aws:iot:us-east-1:123456789012:topic/dt/${iot:ClientId}/*",
      "arn:aws:iot:us-east-1:123456789012:topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"]},
    {"Effect": "Allow", "Action": "iot:Subscribe", "Resource": "arn:aws:iot:us-east-1:123456789012:topicfilter/cmd/${iot:ClientId}/*"},
    {"Effect": "Allow", "Action": "iot:Receive", "Resource": "arn:aws:iot:us-east-1:123456789012:topic/cmd/${iot:ClientId}/*"}
  ]
}`

// TestMalformed: documents CreatePolicy refuses (MalformedPolicyException).
func TestMalformed(t *testing.T) {
	ok := `"Effect":"Allow","Action":"iot:Connect","Resource":"*"`
	tests := []struct {
		name, doc, reason string
	}{
		{"not JSON", `{`, "Invalid policy syntax."},
		{"not an object", `[]`, "Invalid policy syntax."},
		{"trailing data", `{"Statement":{` + ok + `}} x`, "Invalid policy syntax."},
		{"no Statement", `{"Version":"2012-10-17"}`, "Invalid policy syntax."},
		{"empty Statement", `{"Version":"2012-10-17","Statement":[]}`, "Invalid policy syntax."},
		{"Statement string", `{"Version":"2012-10-17","Statement":"x"}`, "Invalid policy syntax."},
		{"bad Version", `{"Version":"2020-01-01","Statement":{` + ok + `}}`, "Invalid policy syntax."},
		{"unknown top-level", `{"Version":"2012-10-17","Foo":1,"Statement":{` + ok + `}}`, "Invalid policy syntax."},
		{"element case", `{"Version":"2012-10-17","Statement":{"effect":"Allow","Action":"iot:Connect","Resource":"*"}}`, "Invalid policy syntax."},
		{"Principal", doc(`{"Principal":"*",` + ok + `}`), "Invalid policy syntax."},
		{"bad Effect", doc(`{"Effect":"allow","Action":"iot:Connect","Resource":"*"}`), "Invalid policy syntax."},
		{"no Effect", doc(`{"Action":"iot:Connect","Resource":"*"}`), "Invalid policy syntax."},
		{"no Action", doc(`{"Effect":"Allow","Resource":"*"}`), "Invalid policy syntax."},
		{"Action and NotAction", doc(`{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}`), "Invalid policy syntax."},
		{"empty Action array", doc(`{"Effect":"Allow","Action":[],"Resource":"*"}`), "Invalid policy syntax."},
		{"Action not a string", doc(`{"Effect":"Allow","Action":1,"Resource":"*"}`), "Invalid policy syntax."},
		{"Action without service", doc(`{"Effect":"Allow","Action":"Publish","Resource":"*"}`), "Invalid policy syntax."},
		{"Action two colons", doc(`{"Effect":"Allow","Action":"iot:a:b","Resource":"*"}`), "Invalid policy syntax."},
		{"no Resource", doc(`{"Effect":"Allow","Action":"*"}`), "Invalid policy syntax."},
		{"Resource not an ARN", doc(`{"Effect":"Allow","Action":"*","Resource":"topic/a"}`), "The following resources are invalid : topic/a"},
		{"Condition not an object", doc(`{` + ok + `,"Condition":"x"}`), "Invalid policy syntax."},
		{"Condition value object", doc(`{` + ok + `,"Condition":{"StringEquals":{"k":{"a":1}}}}`), "Invalid policy syntax."},
		{"Null two values", doc(`{` + ok + `,"Condition":{"Null":{"k":["true","false"]}}}`), "Invalid policy syntax."},
		{"too large", doc(`{` + ok + `,"Sid":"` + strings.Repeat("x", 2048) + `"}`), "Policy document size exceeds the maximum of 2048 characters."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Parse(tt.doc)
			var me *policy.MalformedError
			if !errors.As(err, &me) || !errors.Is(err, policy.ErrMalformedPolicy) {
				t.Fatalf("got %v, want a MalformedError", err)
			}
			if me.Reason != tt.reason {
				t.Errorf("Reason: got %q, want %q", me.Reason, tt.reason)
			}
			if want := "Policy document is Malformed: " + tt.reason; err.Error() != want {
				t.Errorf("Error: got %q, want %q", err.Error(), want)
			}
			if errors.Is(err, policy.ErrPolicyTooLarge) != (tt.name == "too large") {
				t.Errorf("errors.Is ErrPolicyTooLarge: got %v", errors.Is(err, policy.ErrPolicyTooLarge))
			}
		})
	}
}

// TestSizeExcludesWhitespace: 2048 characters, white space not counted.
func TestSizeExcludesWhitespace(t *testing.T) {
	base := doc(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Sid":"%s"}`)
	fill := 2048 - (len(base) - 2)
	exact := strings.Replace(base, "%s", strings.Repeat("x", fill), 1)
	if _, err := policy.Parse(exact + strings.Repeat(" \n\t\r", 500)); err != nil {
		t.Errorf("2048 characters plus white space: got %v, want nil", err)
	}
	over := strings.Replace(base, "%s", strings.Repeat("x", fill+1), 1)
	if _, err := policy.Parse(over); !errors.Is(err, policy.ErrPolicyTooLarge) {
		t.Errorf("2049 characters: got %v, want ErrPolicyTooLarge", err)
	}
	if _, err := policy.ParseWithOptions(over, policy.Options{MaxChars: -1}); err != nil {
		t.Errorf("MaxChars -1: got %v, want nil", err)
	}
}

// TestAccepted: forms AWS accepts.
func TestAccepted(t *testing.T) {
	for _, d := range []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}}`,
		`{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"a","Effect":"Deny","Action":["iot:Publish","iot:Receive"],"Resource":["arn:aws:iot:*:*:topic/a","*"]}]}`,
		doc(`{"Effect":"Allow","NotAction":"iot:Connect","NotResource":"arn:aws:iot:us-east-1:1:client/x"}`),
		doc(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"NumericEquals":{"k":[1,2.5]},"Bool":{"b":false}}}`),
		doc(`{"Effect":"Allow","Action":"greengrass:*","Resource":"*"}`),
	} {
		if _, err := policy.Parse(d); err != nil {
			t.Errorf("Parse(%s): %v", d, err)
		}
	}
	_, err := policy.ParseWithOptions(doc(`{"Effect":"Allow","NotAction":"iot:Connect","Resource":"*"}`),
		policy.Options{Compat: policy.Compat{RejectNotElements: true}})
	if !errors.Is(err, policy.ErrMalformedPolicy) {
		t.Errorf("RejectNotElements: got %v, want ErrMalformedPolicy", err)
	}
}
