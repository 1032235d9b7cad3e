package policy_test

import (
	"testing"

	"github.com/iotemu/iotemu/policy"
)

// TestWildcards: https://docs.aws.amazon.com/iot/latest/developerguide/pub-sub-policy.html#pub-sub-policy — `*` and `?` are wildcards crossing `/`,
// MQTT `+` and `#` are literal, a SUBSCRIBE is authorised on the literal
// filter.
func TestWildcards(t *testing.T) {
	arnPrefix := "arn:aws:iot:us-east-1:123456789012:"
	tests := []struct {
		name     string
		resource string // in the policy
		action   string
		request  string // ARN requested
		want     bool
	}{
		{"star crosses levels", "topicfilter/sensors/*", policy.ActionSubscribe, filter("sensors/+/t"), true},
		{"star matches #", "topicfilter/sensors/*", policy.ActionSubscribe, filter("sensors/#"), true},
		{"qmark matches +", "topicfilter/sensors/?/temp", policy.ActionSubscribe, filter("sensors/+/temp"), true},
		{"qmark one char only", "topicfilter/sensors/?/temp", policy.ActionSubscribe, filter("sensors/ab/temp"), false},
		{"# literal matches itself", "topicfilter/sensors/#", policy.ActionSubscribe, filter("sensors/#"), true},
		{"# literal not a wildcard", "topicfilter/sensors/#", policy.ActionSubscribe, filter("sensors/a"), false},
		{"+ literal not a wildcard", "topicfilter/sensors/+/t", policy.ActionSubscribe, filter("sensors/a/t"), false},
		{"+ literal matches itself", "topicfilter/sensors/+/t", policy.ActionSubscribe, filter("sensors/+/t"), true},
		{"topic # in policy is not a wildcard for publish", "topic/sensors/#", policy.ActionPublish, topic("sensors/a"), false},
		{"topic star deep", "topic/a/*", policy.ActionPublish, topic("a/b/c/d"), true},
		{"topic star does not match parent", "topic/a/*", policy.ActionPublish, topic("a"), false},
		{"topic star matches empty level", "topic/a/*", policy.ActionPublish, topic("a/"), true},
		{"star in the middle", "topic/a/*/c", policy.ActionPublish, topic("a/b/x/c"), true},
		{"star in the middle backtracks", "topic/a*b*c", policy.ActionPublish, topic("aXbYbZc"), true},
		{"several stars no match", "topic/a*b*c", policy.ActionPublish, topic("aXbYbZ"), false},
		{"topicfilter is not topic", "topicfilter/a", policy.ActionPublish, topic("a"), false},
		{"topic is not topicfilter", "topic/a", policy.ActionSubscribe, filter("a"), false},
		{"resource case-sensitive", "topic/A", policy.ActionPublish, topic("a"), false},
		{"region wildcard", "", policy.ActionPublish, topic("x"), true},
		{"qmark multibyte", "topic/?", policy.ActionPublish, topic("é"), true},
		{"unicode literal", "topic/é/*", policy.ActionPublish, topic("é/x"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := arnPrefix + tt.resource
			if tt.resource == "" {
				res = "arn:aws:iot:*:*:topic/*"
			}
			p := mustParse(t, doc(`{"Effect":"Allow","Action":"`+tt.action+`","Resource":"`+res+`"}`))
			got := policy.Evaluate([]*policy.Policy{p}, policy.Request{Action: tt.action, Resource: tt.request}).Allowed()
			if got != tt.want {
				t.Errorf("%s on %s with %s: got %v, want %v", tt.action, tt.request, res, got, tt.want)
			}
		})
	}
}

// TestActionWildcards: actions match case-insensitively with wildcards
// (IAM convention).
func TestActionWildcards(t *testing.T) {
	tests := []struct {
		policy, action string
		want           bool
	}{
		{"iot:*", policy.ActionPublish, true},
		{"*", policy.ActionConnect, true},
		{"iot:Publish", policy.ActionPublish, true},
		{"iot:publish", policy.ActionPublish, true},
		{"iot:Publish", policy.ActionRetainPublish, false},
		{"iot:*Publish", policy.ActionRetainPublish, true},
		{"iot:*ThingShadow", policy.ActionDeleteThingShadow, true},
		{"iot:Get*", policy.ActionGetRetainedMessage, true},
		{"iot:Get*", policy.ActionListRetainedMessages, false},
		{"iot:Subscrib?", policy.ActionSubscribe, true},
		{"greengrass:*", policy.ActionPublish, false},
	}
	for _, tt := range tests {
		t.Run(tt.policy+"/"+tt.action, func(t *testing.T) {
			p := mustParse(t, doc(`{"Effect":"Allow","Action":"`+tt.policy+`","Resource":"*"}`))
			got := policy.Evaluate([]*policy.Policy{p}, policy.Request{Action: tt.action, Resource: "*"}).Allowed()
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
