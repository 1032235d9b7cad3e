package policy_test

import (
	"testing"
	"time"

	"github.com/iotemu/iotemu/policy"
)

// TestConnectAttributes: the examples of AWS's connect policy page
// (AWS: https://docs.aws.amazon.com/iot/latest/developerguide/connect-policy.html#connect-policy).
func TestConnectAttributes(t *testing.T) {
	onlyPersistent := `{"Effect":"Allow","Action":["iot:Connect"],"Resource":"*",
	  "Condition":{"ForAllValues:StringEquals":{"iot:ConnectAttributes":["PersistentConnect"]}}}`
	noPersistent := `{"Effect":"Allow","Action":["iot:Connect"],"Resource":"*",
	  "Condition":{"ForAllValues:StringNotEquals":{"iot:ConnectAttributes":["PersistentConnect"]}}}`
	anyWill := `{"Effect":"Allow","Action":["iot:Connect"],"Resource":"*",
	  "Condition":{"ForAnyValue:StringEquals":{"iot:ConnectAttributes":["LastWill"]}}}`
	tests := []struct {
		name, stmt string
		attrs      []string
		want       bool
	}{
		{"clean connect allowed", onlyPersistent, nil, true},
		{"persistent allowed", onlyPersistent, []string{"PersistentConnect"}, true},
		{"will refused", onlyPersistent, []string{"LastWill"}, false},
		{"persistent+will refused", onlyPersistent, []string{"PersistentConnect", "LastWill"}, false},
		{"no persistent: clean allowed", noPersistent, nil, true},
		{"no persistent: will allowed", noPersistent, []string{"LastWill"}, true},
		{"no persistent: persistent refused", noPersistent, []string{"PersistentConnect"}, false},
		{"any will: clean refused", anyWill, nil, false},
		{"any will: will allowed", anyWill, []string{"PersistentConnect", "LastWill"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, doc(tt.stmt))
			ctx := policy.ConnectionContext(policy.Connection{ClientID: "c", ConnectAttributes: tt.attrs})
			got := policy.Evaluate([]*policy.Policy{p}, policy.Request{Action: policy.ActionConnect, Resource: client("c"), Context: ctx}).Allowed()
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestConditions covers each supported operator, qualifiers, IfExists and
// missing keys (IAM reference_policies_elements_condition_operators.html).
func TestConditions(t *testing.T) {
	ctx := policy.ConnectionContext(policy.Connection{
		ClientID: "dev-1", SourceIP: "10.0.0.7", ThingName: "dev-1", IsAttached: true,
		ThingAttributes: map[string]string{"floor": "3"}, Certificate: testCert(),
	})
	ctx.Set("iot:Arn", "arn:aws:iot:us-east-1:123456789012:thing/dev-1")
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, cond string
		want       bool
	}{
		{"StringEquals", `{"StringEquals":{"iot:ClientId":"dev-1"}}`, true},
		{"StringEquals any of values", `{"StringEquals":{"iot:ClientId":["x","dev-1"]}}`, true},
		{"StringEquals wildcard literal", `{"StringEquals":{"iot:ClientId":"dev-*"}}`, false},
		{"StringEquals key case-insensitive", `{"StringEquals":{"IOT:CLIENTID":"dev-1"}}`, true},
		{"StringEquals variable in value", `{"StringEquals":{"iot:Connection.Thing.ThingName":"${iot:ClientId}"}}`, true},
		{"StringEquals unresolvable value", `{"StringEquals":{"iot:ClientId":"${iot:Nope}"}}`, false},
		{"StringEquals missing key", `{"StringEquals":{"iot:Nope":"x"}}`, false},
		{"StringNotEquals", `{"StringNotEquals":{"iot:ClientId":"dev-2"}}`, true},
		{"StringNotEquals same", `{"StringNotEquals":{"iot:ClientId":["x","dev-1"]}}`, false},
		{"StringNotEquals missing key", `{"StringNotEquals":{"iot:Nope":"x"}}`, true},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"iot:ClientId":"DEV-1"}}`, true},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"iot:ClientId":"DEV-1"}}`, false},
		{"StringLike", `{"StringLike":{"iot:ClientId":"dev-?"}}`, true},
		{"StringLike no", `{"StringLike":{"iot:ClientId":"x*"}}`, false},
		{"StringNotLike", `{"StringNotLike":{"iot:ClientId":"x*"}}`, true},
		{"StringEqualsIfExists missing", `{"StringEqualsIfExists":{"iot:Nope":"x"}}`, true},
		{"StringEqualsIfExists present", `{"StringEqualsIfExists":{"iot:ClientId":"x"}}`, false},
		{"Bool IsAttached", `{"Bool":{"iot:Connection.Thing.IsAttached":["true"]}}`, true},
		{"Bool IsAttached false", `{"Bool":{"iot:Connection.Thing.IsAttached":"false"}}`, false},
		{"Bool JSON boolean", `{"Bool":{"iot:Connection.Thing.IsAttached":true}}`, true},
		{"Null absent", `{"Null":{"iot:Nope":"true"}}`, true},
		{"Null present", `{"Null":{"iot:ClientId":"true"}}`, false},
		{"Null false present", `{"Null":{"iot:ClientId":"false"}}`, true},
		{"IpAddress CIDR", `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, true},
		{"IpAddress single", `{"IpAddress":{"aws:SourceIp":"10.0.0.7"}}`, true},
		{"IpAddress out", `{"IpAddress":{"aws:SourceIp":"192.168.0.0/16"}}`, false},
		{"NotIpAddress", `{"NotIpAddress":{"aws:SourceIp":"192.168.0.0/16"}}`, true},
		{"NumericLessThan", `{"NumericLessThan":{"iot:Connection.Thing.Attributes[floor]":"4"}}`, true},
		{"NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"iot:Connection.Thing.Attributes[floor]":3}}`, true},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"iot:Connection.Thing.Attributes[floor]":3}}`, false},
		{"NumericNotEquals", `{"NumericNotEquals":{"iot:Connection.Thing.Attributes[floor]":"3.0"}}`, false},
		{"DateGreaterThan", `{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}`, true},
		{"DateLessThan", `{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}`, false},
		{"DateLessThanEquals epoch", `{"DateLessThanEquals":{"aws:EpochTime":"1772366400"}}`, true},
		{"DateEquals", `{"DateEquals":{"aws:CurrentTime":"2026-03-01T12:00:00Z"}}`, true},
		{"ArnLike", `{"ArnLike":{"iot:Arn":"arn:aws:iot:*:*:thing/dev-*"}}`, true},
		{"ArnEquals", `{"ArnEquals":{"iot:Arn":"arn:aws:iot:us-east-1:123456789012:thing/dev-1"}}`, true},
		{"ArnNotLike", `{"ArnNotLike":{"iot:Arn":"arn:aws:iot:*:*:thing/dev-*"}}`, false},
		{"ArnLike malformed", `{"ArnLike":{"iot:Arn":"thing/dev-*"}}`, false},
		{"cert List ForAllValues", `{"ForAllValues:StringEquals":{"iot:Certificate.Subject.Country.List":["US","DE"]}}`, true},
		{"cert List ForAllValues one missing", `{"ForAllValues:StringEquals":{"iot:Certificate.Subject.Country.List":["US"]}}`, false},
		{"cert first value only", `{"StringEquals":{"iot:Certificate.Subject.Country":"DE"}}`, false},
		{"cert index", `{"StringEquals":{"iot:Certificate.Subject.Country.1":"DE"}}`, true},
		{"cert Organization (AWS example)", `{"ForAllValues:StringEquals":{"iot:Certificate.Subject.Organization.List":["Example Corp","AnyCompany"]}}`, true},
		{"ForAnyValue missing key", `{"ForAnyValue:StringEquals":{"iot:Nope":"x"}}`, false},
		{"ForAllValues missing key", `{"ForAllValues:StringEquals":{"iot:Nope":"x"}}`, true},
		{"two keys are ANDed", `{"StringEquals":{"iot:ClientId":"dev-1","aws:SourceIp":"1.2.3.4"}}`, false},
		{"two operators are ANDed", `{"StringEquals":{"iot:ClientId":"dev-1"},"StringLike":{"aws:SourceIp":"10.*"}}`, true},
		{"unknown operator never matches", `{"BinaryEquals":{"iot:ClientId":"ZGV2LTE="}}`, false},
		{"unknown operator case", `{"stringequals":{"iot:ClientId":"dev-1"}}`, false},
		{"Null with qualifier unsupported", `{"ForAllValues:Null":{"iot:Nope":"true"}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, doc(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":`+tt.cond+`}`))
			got := policy.Evaluate([]*policy.Policy{p}, policy.Request{Action: policy.ActionConnect, Resource: client("dev-1"), Context: ctx, Time: now}).Allowed()
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestUnsupportedListed: Policy.Unsupported names unknown operators, and an
// unsupported Deny does not deny.
func TestUnsupportedListed(t *testing.T) {
	p := mustParse(t, doc(`{"Effect":"Allow","Action":"*","Resource":"*"},
	  {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BinaryEquals":{"k":"dg=="}}}`))
	if got := p.Unsupported(); len(got) != 1 || got[0] != "BinaryEquals" {
		t.Errorf("Unsupported: got %v, want [BinaryEquals]", got)
	}
	if !policy.Evaluate([]*policy.Policy{p}, policy.Request{Action: policy.ActionPublish, Resource: topic("a")}).Allowed() {
		t.Error("got deny, want allow")
	}
}
