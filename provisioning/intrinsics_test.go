package provisioning_test

import (
	"context"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/provisioning"
)

// TestIntrinsics evaluates each function through RegisterThing: the thing's
// name is the function's result.
func TestIntrinsics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, expr, want, err string
		params                map[string]string
	}{
		{name: "Ref default", expr: `{"Ref":"Loc"}`, want: "WA"},
		{name: "Ref given", expr: `{"Ref":"Loc"}`, params: map[string]string{"Loc": "OR"}, want: "OR"},
		{name: "Join", expr: `{"Fn::Join":["-",["a",{"Ref":"Loc"},"c"]]}`, want: "a-WA-c"},
		{name: "Split+Select", expr: `{"Fn::Select":[1,{"Fn::Split":[":","x:y:z"]}]}`, want: "y"},
		{name: "Select string index", expr: `{"Fn::Select":["2",["p","q","r"]]}`, want: "r"},
		{name: "Select out of range", expr: `{"Fn::Select":[3,["p"]]}`, err: "Fn::Select index 3 is out of range (the list has 1 elements)"},
		{name: "Select null", expr: `{"Fn::Select":[0,[null]]}`, err: "Fn::Select selected a null element"},
		{name: "FindInMap", expr: `{"Fn::FindInMap":["M",{"Ref":"Loc"},"name"]}`, want: "washington"},
		{name: "Sub", expr: `{"Fn::Sub":"dev-${Loc}-${!Literal}"}`, want: "dev-WA-${Literal}"},
		{name: "Sub with variables", expr: `{"Fn::Sub":["${a}-${Loc}",{"a":{"Ref":"Loc"}}]}`, want: "WA-WA"},
		{name: "If true", expr: `{"Fn::If":["IsWA","yes","no"]}`, want: "yes"},
		{name: "If false", expr: `{"Fn::If":["IsWA","yes","no"]}`, params: map[string]string{"Loc": "OR"}, want: "no"},
		{name: "Not And Or", expr: `{"Fn::If":["Mixed","yes","no"]}`, want: "yes"},
		{name: "undeclared", expr: `{"Ref":"Nope"}`, err: "Ref to the undeclared parameter Nope"},
		{name: "unsupported", expr: `{"Fn::GetAtt":["a","b"]}`, err: "Unsupported function Fn::GetAtt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, nil)
			body := `{"Parameters":{"Loc":{"Type":"String","Default":"WA"}},
				"Mappings":{"M":{"WA":{"name":"washington"}}},
				"Conditions":{"IsWA":{"Fn::Equals":[{"Ref":"Loc"},"WA"]},
					"Mixed":{"Fn::And":[{"Condition":"IsWA"},{"Fn::Or":[{"Fn::Not":[{"Condition":"IsWA"}]},{"Fn::Equals":["a","a"]}]}]}},
				"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":` + tc.expr + `}}}}`
			out, err := f.svc.RegisterThing(context.Background(), provisioning.RegisterThingInput{TemplateBody: body, Parameters: tc.params})
			if tc.err != "" {
				if e := provisioning.AsError(err); e.Code != provisioning.InvalidRequest || e.Message != tc.err {
					t.Fatalf("got %v, want InvalidRequestException %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := out.ResourceArns["thing"]; !strings.HasSuffix(got, ":thing/"+tc.want) {
				t.Fatalf("thing ARN %s, want name %s", got, tc.want)
			}
		})
	}
}

// TestRegisterThing is the guide's bulk-registration template: a CSR
// parameter, an existing policy, attributes, a thing type.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#bulk-template-example
func TestRegisterThing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	_, _ = f.reg.CreatePolicy(ctx, "Base", `{}`)
	body := `{"Parameters":{"ThingName":{"Type":"String"},"SerialNumber":{"Type":"String"},"Location":{"Type":"String","Default":"WA"},"CSR":{"Type":"String"}},
	  "Resources":{
	    "thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Ref":"ThingName"},"AttributePayload":{"version":"v1","serialNumber":{"Ref":"SerialNumber"}},"ThingTypeName":"Sensor","ThingGroups":["v1-lightbulbs",{"Ref":"Location"}]}},
	    "certificate":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateSigningRequest":{"Ref":"CSR"},"Status":"ACTIVE"}},
	    "policy":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":"Base"}}}}`
	out, err := f.svc.RegisterThing(ctx, provisioning.RegisterThingInput{TemplateBody: body,
		Parameters: map[string]string{"ThingName": "bulb1", "SerialNumber": "123", "CSR": csrPEM(t, "bulb1")}})
	if err != nil {
		t.Fatal(err)
	}
	th := f.reg.things["bulb1"]
	if out.CertificatePem == "" || len(out.ResourceArns) != 3 || th.TypeName != "Sensor" || th.Attributes["serialNumber"] != "123" ||
		strings.Join(th.Groups, ",") != "v1-lightbulbs,WA" {
		t.Fatalf("out %+v thing %+v", out, th)
	}
	_, err = f.svc.RegisterThing(ctx, provisioning.RegisterThingInput{TemplateBody: body,
		Parameters: map[string]string{"ThingName": "bulb2", "SerialNumber": "1", "CSR": "junk"}})
	if e := provisioning.AsError(err); e.Code != provisioning.InvalidRequest {
		t.Fatalf("bad CSR: %v", err)
	}
	bad := strings.Replace(body, `"Sensor"`, `"Missing"`, 1)
	_, err = f.svc.RegisterThing(ctx, provisioning.RegisterThingInput{TemplateBody: bad,
		Parameters: map[string]string{"ThingName": "bulb3", "SerialNumber": "1", "CSR": csrPEM(t, "b")}})
	if e := provisioning.AsError(err); e.Code != provisioning.ResourceRegistrationFailure || e.Message != "Thing type Missing does not exist" {
		t.Fatalf("missing thing type: %v", err)
	}
}

// TestOverrideSettings: MERGE keeps old attributes, REPLACE groups drops
// others, FAIL conflicts.
func TestOverrideSettings(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	_, _ = f.reg.CreateThing(ctx, provisioning.ThingChange{Name: "t", Attributes: map[string]string{"old": "1"}, AddGroups: []string{"g0"}})
	body := func(attr, groups string) string {
		return `{"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t","AttributePayload":{"new":"2"},"ThingGroups":["g1"]},
		  "OverrideSettings":{"AttributePayload":"` + attr + `","ThingGroups":"` + groups + `"}}}}`
	}
	if _, err := f.svc.RegisterThing(ctx, provisioning.RegisterThingInput{TemplateBody: body("MERGE", "REPLACE")}); err != nil {
		t.Fatal(err)
	}
	th := f.reg.things["t"]
	if th.Attributes["old"] != "1" || th.Attributes["new"] != "2" || strings.Join(th.Groups, ",") != "g1" {
		t.Fatalf("thing %+v", th)
	}
	_, err := f.svc.RegisterThing(ctx, provisioning.RegisterThingInput{TemplateBody: body("FAIL", "DO_NOTHING")})
	if e := provisioning.AsError(err); e.Rejected().ErrorCode != "ResourceConflictsException" {
		t.Fatalf("FAIL: %v", err)
	}
}
