package policy_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"

	"github.com/iotemu/iotemu/policy"
)

func testCert() *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(4660),
		Subject: pkix.Name{Names: []pkix.AttributeTypeAndValue{
			{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "dev-1"},
			{Type: asn1.ObjectIdentifier{2, 5, 4, 6}, Value: "US"},
			{Type: asn1.ObjectIdentifier{2, 5, 4, 6}, Value: "DE"},
			{Type: asn1.ObjectIdentifier{2, 5, 4, 10}, Value: "Example Corp"},
			{Type: asn1.ObjectIdentifier{2, 5, 4, 11}, Value: "a*b"},
		}},
		Issuer:   pkix.Name{Names: []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "iotemu CA"}}},
		DNSNames: []string{"dev-1.example.com"},
	}
}

// TestVariables: each policy variable of https://docs.aws.amazon.com/iot/latest/developerguide/cert-policy-variables.html#cert-policy-variables substituted in a
// Resource; a variable without value makes the statement not match.
func TestVariables(t *testing.T) {
	full := policy.ConnectionContext(policy.Connection{
		ClientID:        "dev-1",
		SourceIP:        "10.0.0.7",
		ThingName:       "thing-1",
		ThingTypeName:   "sensor",
		ThingAttributes: map[string]string{"Floor": "3"},
		IsAttached:      true,
		Certificate:     testCert(),
		Username:        "alice",
		UserID:          "AIDAEXAMPLE",
	})
	tests := []struct {
		name     string
		resource string // topic/ part of the policy resource
		topic    string // requested topic
		ctx      *policy.Context
		want     bool
	}{
		{"ClientId", "t/${iot:ClientId}", "t/dev-1", full, true},
		{"ClientId other", "t/${iot:ClientId}", "t/dev-2", full, false},
		{"ClientId case-insensitive name", "t/${IOT:clientid}", "t/dev-1", full, true},
		{"ClientId missing", "t/${iot:ClientId}", "t/", policy.NewContext(), false},
		{"ClientId nil context", "t/${iot:ClientId}", "t/", nil, false},
		{"ThingName", "t/${iot:Connection.Thing.ThingName}/*", "t/thing-1/x", full, true},
		{"ThingTypeName", "t/${iot:Connection.Thing.ThingTypeName}", "t/sensor", full, true},
		{"Attribute", "t/${iot:Connection.Thing.Attributes[Floor]}", "t/3", full, true},
		{"Attribute name case-sensitive", "t/${iot:Connection.Thing.Attributes[floor]}", "t/3", full, false},
		{"IsAttached", "t/${iot:Connection.Thing.IsAttached}", "t/true", full, true},
		{"thing vars without thing", "t/${iot:Connection.Thing.ThingName}", "t/", policy.ConnectionContext(policy.Connection{ClientID: "c"}), false},
		{"SourceIp", "t/${aws:SourceIp}", "t/10.0.0.7", full, true},
		{"username", "t/${aws:username}", "t/alice", full, true},
		{"userid", "t/${aws:userid}", "t/AIDAEXAMPLE", full, true},
		{"Subject CommonName", "t/${iot:Certificate.Subject.CommonName}", "t/dev-1", full, true},
		{"Subject Country first", "t/${iot:Certificate.Subject.Country}", "t/US", full, true},
		{"Subject Country .0", "t/${iot:Certificate.Subject.Country.0}", "t/US", full, true},
		{"Subject Country .1", "t/${iot:Certificate.Subject.Country.1}", "t/DE", full, true},
		{"Subject Country .2 missing", "t/${iot:Certificate.Subject.Country.2}", "t/", full, false},
		{"Subject .List not substitutable", "t/${iot:Certificate.Subject.Country.List}", "t/US", full, false},
		{"cert value with wildcard not substituted", "t/${iot:Certificate.Subject.OrganizationalUnit}", "t/a*b", full, false},
		{"Issuer CommonName", "t/${iot:Certificate.Issuer.CommonName}", "t/iotemu CA", full, true},
		{"SAN DNSName", "t/${iot:Certificate.Subject.AlternativeName.DNSName}", "t/dev-1.example.com", full, true},
		{"cert SerialNumber", "t/${iot:Certificate.SerialNumber}", "t/4660", full, true},
		{"special ${*}", "t/${*}", "t/*", full, true},
		{"special ${*} is literal", "t/${*}", "t/x", full, false},
		{"special ${?}", "t/${?}", "t/?", full, true},
		{"special ${$}", "t/${$}{x}", "t/${x}", full, true},
		{"unknown variable", "t/${iot:Nope}", "t/", full, false},
		{"unterminated is literal", "t/${iot:ClientId", "t/${iot:ClientId", full, true},
		{"value is literal, not a wildcard", "t/${iot:ClientId}", "t/x", policy.NewContext().Set(policy.KeyClientID, "*"), false},
		{"client ID + is literal", "t/${iot:ClientId}/x", "t/+/x", policy.NewContext().Set(policy.KeyClientID, "+"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, doc(`{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/`+tt.resource+`"}`))
			got := policy.Evaluate([]*policy.Policy{p}, policy.Request{Action: policy.ActionPublish, Resource: topic(tt.topic), Context: tt.ctx}).Allowed()
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestVersion2008: without Version 2012-10-17, `${...}` is literal text
// (IAM rule).
func TestVersion2008(t *testing.T) {
	ctx := policy.NewContext().Set(policy.KeyClientID, "c1")
	for _, version := range []string{`"Version":"2008-10-17",`, ``} {
		p := mustParse(t, `{`+version+`"Statement":{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/${iot:ClientId}"}}`)
		if got := p.Version(); got != policy.Version2008 {
			t.Errorf("Version: got %q, want %q", got, policy.Version2008)
		}
		if policy.Evaluate([]*policy.Policy{p}, policy.Request{Action: policy.ActionPublish, Resource: topic("c1"), Context: ctx}).Allowed() {
			t.Errorf("%s: variable substituted", version)
		}
		if !policy.Evaluate([]*policy.Policy{p}, policy.Request{Action: policy.ActionPublish, Resource: topic("${iot:ClientId}"), Context: ctx}).Allowed() {
			t.Errorf("%s: literal ${iot:ClientId} not matched", version)
		}
	}
}

// TestWildcardsInVariableValues: the Compat switch makes substituted values
// wildcards.
func TestWildcardsInVariableValues(t *testing.T) {
	p, err := policy.ParseWithOptions(doc(`{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/t/${iot:ClientId}"}`),
		policy.Options{Compat: policy.Compat{WildcardsInVariableValues: true}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := policy.NewContext().Set(policy.KeyClientID, "*")
	if !policy.Evaluate([]*policy.Policy{p}, policy.Request{Action: policy.ActionPublish, Resource: topic("t/anything"), Context: ctx}).Allowed() {
		t.Error("got deny, want allow")
	}
}

// TestARNs checks the ARN helpers (https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html#iot-action-resources).
func TestARNs(t *testing.T) {
	tests := []struct{ got, want string }{
		{policy.TopicARN("us-east-1", "123", "a/b"), "arn:aws:iot:us-east-1:123:topic/a/b"},
		{policy.TopicFilterARN("us-east-1", "123", "a/+/#"), "arn:aws:iot:us-east-1:123:topicfilter/a/+/#"},
		{policy.ClientARN("eu-west-1", "123", "c1"), "arn:aws:iot:eu-west-1:123:client/c1"},
		{policy.ThingARN("us-east-1", "123", "t1", ""), "arn:aws:iot:us-east-1:123:thing/t1"},
		{policy.ThingARN("us-east-1", "123", "t1", "s1"), "arn:aws:iot:us-east-1:123:thing/t1/s1"},
		{policy.TopicARN("cn-north-1", "123", "a"), "arn:aws-cn:iot:cn-north-1:123:topic/a"},
		{policy.TopicARN("us-gov-west-1", "123", "a"), "arn:aws-us-gov:iot:us-gov-west-1:123:topic/a"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
}
