package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/smithy-go"

	"github.com/iotemu/iotemu/testkit"
)

// An operation iotemu does not emulate is a distinct error naming it, not
// a missing resource; an unknown path stays 404 (issue 12 item 11).
func TestUnemulatedOperationSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	ctx := context.Background()
	c := iotClient(emu)

	_, err := c.DescribeAuditTask(ctx, &iot.DescribeAuditTaskInput{TaskId: aws.String("abc")})
	wantAPIError(t, err, "NotImplementedException", 501)
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorMessage() != "iotemu does not emulate iot:DescribeAuditTask" {
		t.Errorf("got message %q", apiErr.ErrorMessage())
	}
	// RegisterThing, once unemulated on ListThings' path, is served.
	_, err = c.RegisterThing(ctx, &iot.RegisterThingInput{TemplateBody: aws.String("{}")})
	wantAPIError(t, err, "InvalidRequestException", 400)

	status, typ, _ := rawRequest(t, emu, "GET", "/no-such-operation", "", nil)
	if status != 404 || typ != "ResourceNotFoundException:" {
		t.Errorf("unknown path: got %d %q, want 404 ResourceNotFoundException:", status, typ)
	}
	status, typ, _ = rawRequest(t, emu, "DELETE", "/things", "", nil)
	if status != 405 || typ != "MethodNotAllowedException:" {
		t.Errorf("wrong method: got %d %q, want 405 MethodNotAllowedException:", status, typ)
	}
}

// ResourceAlreadyExistsException carries resourceId and resourceArn
// (issue 12 item 13).
func TestResourceAlreadyExistsMembersSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	ctx := context.Background()
	c := iotClient(emu)

	thing, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("t1")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("t1"),
		AttributePayload: &types.AttributePayload{Attributes: map[string]string{"a": "b"}}})
	wantAlreadyExists(t, err, aws.ToString(thing.ThingId), aws.ToString(thing.ThingArn))

	group, err := c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("g1")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("g1"),
		ThingGroupProperties: &types.ThingGroupProperties{ThingGroupDescription: aws.String("other")}})
	wantAlreadyExists(t, err, aws.ToString(group.ThingGroupId), aws.ToString(group.ThingGroupArn))

	pol, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("p1"), PolicyDocument: aws.String(allowAllPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("p1"), PolicyDocument: aws.String(allowAllPolicy)})
	wantAlreadyExists(t, err, "p1", aws.ToString(pol.PolicyArn))
}

func wantAlreadyExists(t *testing.T, err error, id, arn string) {
	t.Helper()
	wantAPIError(t, err, "ResourceAlreadyExistsException", 409)
	var e *types.ResourceAlreadyExistsException
	if !errors.As(err, &e) {
		t.Fatalf("got %T, want *types.ResourceAlreadyExistsException", err)
	}
	if aws.ToString(e.ResourceId) != id || aws.ToString(e.ResourceArn) != arn {
		t.Errorf("got resourceId %q resourceArn %q, want %q %q", aws.ToString(e.ResourceId), aws.ToString(e.ResourceArn), id, arn)
	}
}

// ListThingGroups: recursive has no default; false without a parent lists
// the roots, true under a parent all descendants (issue 12 item 13).
func TestListThingGroupsHierarchySDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	ctx := context.Background()
	c := iotClient(emu)
	// a > b > c, and d at the root.
	for _, g := range [][2]string{{"a", ""}, {"b", "a"}, {"c", "b"}, {"d", ""}} {
		in := &iot.CreateThingGroupInput{ThingGroupName: aws.String(g[0])}
		if g[1] != "" {
			in.ParentGroupName = aws.String(g[1])
		}
		if _, err := c.CreateThingGroup(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name      string
		parent    *string
		recursive *bool
		want      []string
	}{
		{"no parameters", nil, nil, []string{"a", "b", "c", "d"}},
		{"recursive=false", nil, aws.Bool(false), []string{"a", "d"}},
		{"recursive=true", nil, aws.Bool(true), []string{"a", "b", "c", "d"}},
		{"parentGroup", aws.String("a"), nil, []string{"b"}},
		{"parentGroup recursive=false", aws.String("a"), aws.Bool(false), []string{"b"}},
		{"parentGroup recursive=true", aws.String("a"), aws.Bool(true), []string{"b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.ListThingGroups(ctx, &iot.ListThingGroupsInput{ParentGroup: tt.parent, Recursive: tt.recursive})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, g := range out.ThingGroups {
				got = append(got, aws.ToString(g.GroupName))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// The same three behaviours through boto3, the client issue 12 found them
// with: the error code and status, the modelled members, the listing.
func TestControlPlaneErrorsBoto3(t *testing.T) {
	t.Parallel()
	py := requireTool(t, "/usr/bin/python3")
	if err := exec.Command(py, "-c", "import boto3").Run(); err != nil {
		t.Skip("boto3 is not installed for /usr/bin/python3")
	}
	emu := testkit.Start(t)
	out, err := exec.Command(py, "-c", boto3Script, emu.Endpoint()).CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	var got struct {
		UnemulatedCode, UnemulatedMessage   string
		UnemulatedStatus                    int
		ExistsCode, ResourceID, ResourceARN string
		ThingID, ThingARN                   string
		Roots, Descendants                  []string
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	if got.UnemulatedCode != "NotImplementedException" || got.UnemulatedStatus != 501 ||
		got.UnemulatedMessage != "iotemu does not emulate iot:DescribeAuditTask" {
		t.Errorf("unemulated: got %s %d %q", got.UnemulatedCode, got.UnemulatedStatus, got.UnemulatedMessage)
	}
	if got.ExistsCode != "ResourceAlreadyExistsException" || got.ResourceID != got.ThingID || got.ResourceARN != got.ThingARN || got.ThingID == "" {
		t.Errorf("already exists: got %+v", got)
	}
	if !slices.Equal(got.Roots, []string{"a", "d"}) || !slices.Equal(got.Descendants, []string{"b", "c"}) {
		t.Errorf("groups: got roots %v, descendants %v; want [a d], [b c]", got.Roots, got.Descendants)
	}
}

const boto3Script = `
import json, sys, boto3, botocore
c = boto3.client("iot", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
out = {}
try:
    c.describe_audit_task(taskId="a" * 40)
except botocore.exceptions.ClientError as e:
    out["UnemulatedCode"] = e.response["Error"]["Code"]
    out["UnemulatedMessage"] = e.response["Error"]["Message"]
    out["UnemulatedStatus"] = e.response["ResponseMetadata"]["HTTPStatusCode"]
t = c.create_thing(thingName="t1")
out["ThingID"], out["ThingARN"] = t["thingId"], t["thingArn"]
try:
    c.create_thing(thingName="t1", attributePayload={"attributes": {"a": "b"}})
except c.exceptions.ResourceAlreadyExistsException as e:
    out["ExistsCode"] = e.response["Error"]["Code"]
    out["ResourceID"], out["ResourceARN"] = e.response.get("resourceId"), e.response.get("resourceArn")
for name, parent in [("a", None), ("b", "a"), ("c", "b"), ("d", None)]:
    kw = {"parentGroupName": parent} if parent else {}
    c.create_thing_group(thingGroupName=name, **kw)
out["Roots"] = [g["groupName"] for g in c.list_thing_groups(recursive=False)["thingGroups"]]
out["Descendants"] = [g["groupName"] for g in c.list_thing_groups(parentGroup="a", recursive=True)["thingGroups"]]
print(json.dumps(out))
`
