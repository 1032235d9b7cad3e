package emulator_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"

	"github.com/iotemu/iotemu/testkit"
)

// TestThingsSDK: CreateThing, DescribeThing, UpdateThing (merge, replace,
// expectedVersion), ListThings (filters, pages), DeleteThing.
func TestThingsSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	_, err := c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("sensor")})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("dev-1"), ThingTypeName: aws.String("sensor"),
		AttributePayload: &types.AttributePayload{Attributes: map[string]string{"model": "x1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ThingArn) != "arn:aws:iot:us-east-1:123456789012:thing/dev-1" || len(aws.ToString(out.ThingId)) != 36 {
		t.Fatalf("CreateThing: %+v", out)
	}
	d, err := c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("dev-1")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(d.DefaultClientId) != "dev-1" || aws.ToString(d.ThingTypeName) != "sensor" || d.Version != 1 ||
		!cmp.Equal(d.Attributes, map[string]string{"model": "x1"}) || aws.ToString(d.ThingId) != aws.ToString(out.ThingId) {
		t.Fatalf("DescribeThing: %+v", d)
	}
	_, err = c.UpdateThing(ctx, &iot.UpdateThingInput{ThingName: aws.String("dev-1"), ExpectedVersion: aws.Int64(1),
		AttributePayload: &types.AttributePayload{Attributes: map[string]string{"floor": "2"}, Merge: true}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateThing(ctx, &iot.UpdateThingInput{ThingName: aws.String("dev-1"), ExpectedVersion: aws.Int64(1)})
	wantAPIError(t, err, "VersionConflictException", 409)
	d, _ = c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("dev-1")})
	if d.Version != 2 || !cmp.Equal(d.Attributes, map[string]string{"model": "x1", "floor": "2"}) {
		t.Fatalf("after merge: %+v", d)
	}
	for _, n := range []string{"dev-2", "dev-3"} {
		if _, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	p := iot.NewListThingsPaginator(c, &iot.ListThingsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, th := range page.Things {
			names = append(names, aws.ToString(th.ThingName))
		}
	}
	if strings.Join(names, ",") != "dev-1,dev-2,dev-3" {
		t.Fatalf("ListThings pages: got %v", names)
	}
	l, err := c.ListThings(ctx, &iot.ListThingsInput{AttributeName: aws.String("model"), AttributeValue: aws.String("x"), UsePrefixAttributeValue: true})
	if err != nil || len(l.Things) != 1 || aws.ToString(l.Things[0].ThingTypeName) != "sensor" || l.Things[0].Version != 2 {
		t.Fatalf("ListThings by attribute prefix: %+v, %v", l, err)
	}
	l, _ = c.ListThings(ctx, &iot.ListThingsInput{ThingTypeName: aws.String("sensor")})
	if len(l.Things) != 1 {
		t.Fatalf("ListThings by type: %+v", l.Things)
	}
	_, err = c.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String("dev-1"), ExpectedVersion: aws.Int64(1)})
	wantAPIError(t, err, "VersionConflictException", 409)
	if _, err := c.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String("dev-1")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("dev-1")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
}

// TestThingErrorsSDK: hostile names and attributes, conflicts.
func TestThingErrorsSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	attrs := func(n int) map[string]string {
		m := map[string]string{}
		for i := range n {
			m["a"+strings.Repeat("x", i)] = "v"
		}
		return m
	}
	tests := []struct {
		name string
		in   iot.CreateThingInput
		code string
	}{
		{"slash", iot.CreateThingInput{ThingName: aws.String("a/b")}, "InvalidRequestException"},
		{"space", iot.CreateThingInput{ThingName: aws.String("a b")}, "InvalidRequestException"},
		{"dollar", iot.CreateThingInput{ThingName: aws.String("$aws")}, "InvalidRequestException"},
		{"129 chars", iot.CreateThingInput{ThingName: aws.String(strings.Repeat("a", 129))}, "InvalidRequestException"},
		{"oversized attribute", iot.CreateThingInput{ThingName: aws.String("x"),
			AttributePayload: &types.AttributePayload{Attributes: map[string]string{"a": strings.Repeat("v", 801)}}}, "InvalidRequestException"},
		{"attribute name", iot.CreateThingInput{ThingName: aws.String("x"),
			AttributePayload: &types.AttributePayload{Attributes: map[string]string{"a b": "v"}}}, "InvalidRequestException"},
		{"4 attributes without a type", iot.CreateThingInput{ThingName: aws.String("x"),
			AttributePayload: &types.AttributePayload{Attributes: attrs(4)}}, "InvalidRequestException"},
		{"missing type", iot.CreateThingInput{ThingName: aws.String("x"), ThingTypeName: aws.String("nope")}, "ResourceNotFoundException"},
		{"billing group", iot.CreateThingInput{ThingName: aws.String("x"), BillingGroupName: aws.String("bg")}, "ResourceNotFoundException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateThing(ctx, &tt.in)
			wantAPIError(t, err, tt.code, map[string]int{"InvalidRequestException": 400, "ResourceNotFoundException": 404}[tt.code])
		})
	}
	if _, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("x")}); err != nil {
		t.Fatalf("same configuration again: %v", err)
	}
	_, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("x"),
		AttributePayload: &types.AttributePayload{Attributes: map[string]string{"a": "1"}}})
	wantAPIError(t, err, "ResourceAlreadyExistsException", 409)
	_, err = c.UpdateThing(ctx, &iot.UpdateThingInput{ThingName: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	if _, err := c.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String("nope")}); err != nil {
		t.Fatalf("DeleteThing of a missing thing: %v, want success as AWS", err)
	}
	for _, body := range []string{`{`, `[]`, `{"attributePayload":{"attributes":{"a":1}}}`} {
		if status, typ, _ := rawRequest(t, emu, "POST", "/things/raw", body, nil); status != 400 || typ != "InvalidRequestException:" {
			t.Errorf("body %s: got %d %s, want 400 InvalidRequestException", body, status, typ)
		}
	}
}

// TestThingTypesSDK: create, describe, list, deprecate, delete.
func TestThingTypesSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	out, err := c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("sensor"),
		ThingTypeProperties: &types.ThingTypeProperties{ThingTypeDescription: aws.String("A sensor"), SearchableAttributes: []string{"model"}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ThingTypeArn) != "arn:aws:iot:us-east-1:123456789012:thingtype/sensor" || aws.ToString(out.ThingTypeId) == "" {
		t.Fatalf("CreateThingType: %+v", out)
	}
	d, err := c.DescribeThingType(ctx, &iot.DescribeThingTypeInput{ThingTypeName: aws.String("sensor")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(d.ThingTypeProperties.ThingTypeDescription) != "A sensor" || d.ThingTypeMetadata.CreationDate == nil ||
		d.ThingTypeMetadata.Deprecated {
		t.Fatalf("DescribeThingType: %+v %+v", d.ThingTypeProperties, d.ThingTypeMetadata)
	}
	_, err = c.DeleteThingType(ctx, &iot.DeleteThingTypeInput{ThingTypeName: aws.String("sensor")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	if _, err := c.DeprecateThingType(ctx, &iot.DeprecateThingTypeInput{ThingTypeName: aws.String("sensor")}); err != nil {
		t.Fatal(err)
	}
	l, err := c.ListThingTypes(ctx, &iot.ListThingTypesInput{})
	if err != nil || len(l.ThingTypes) != 1 || !l.ThingTypes[0].ThingTypeMetadata.Deprecated ||
		l.ThingTypes[0].ThingTypeMetadata.DeprecationDate == nil {
		t.Fatalf("ListThingTypes: %+v, %v", l, err)
	}
	_, err = c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("x"), ThingTypeName: aws.String("sensor")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = c.DeleteThingType(ctx, &iot.DeleteThingTypeInput{ThingTypeName: aws.String("sensor")})
	wantAPIError(t, err, "InvalidRequestException", 400) // not five minutes yet
	if _, err := c.DeprecateThingType(ctx, &iot.DeprecateThingTypeInput{ThingTypeName: aws.String("sensor"), UndoDeprecate: true}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeThingType(ctx, &iot.DescribeThingTypeInput{ThingTypeName: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("t"),
		ThingTypeProperties: &types.ThingTypeProperties{SearchableAttributes: []string{"a", "b", "c", "d"}}})
	wantAPIError(t, err, "InvalidRequestException", 400)
}

// TestThingGroupsSDK: create (with parent), describe, list, add/remove
// thing, delete.
func TestThingGroupsSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	if _, err := c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("building")}); err != nil {
		t.Fatal(err)
	}
	g, err := c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("floor1"), ParentGroupName: aws.String("building"),
		ThingGroupProperties: &types.ThingGroupProperties{ThingGroupDescription: aws.String("first floor"),
			AttributePayload: &types.AttributePayload{Attributes: map[string]string{"level": "1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeThingGroup(ctx, &iot.DescribeThingGroupInput{ThingGroupName: aws.String("floor1")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(d.ThingGroupArn) != aws.ToString(g.ThingGroupArn) || d.Version != 1 ||
		aws.ToString(d.ThingGroupMetadata.ParentGroupName) != "building" || len(d.ThingGroupMetadata.RootToParentThingGroups) != 1 ||
		d.ThingGroupProperties.AttributePayload.Attributes["level"] != "1" {
		t.Fatalf("DescribeThingGroup: %+v %+v", d, d.ThingGroupMetadata)
	}
	if _, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddThingToThingGroup(ctx, &iot.AddThingToThingGroupInput{ThingGroupArn: g.ThingGroupArn, ThingName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AddThingToThingGroup(ctx, &iot.AddThingToThingGroupInput{ThingGroupName: aws.String("nope"), ThingName: aws.String("dev")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	l, err := c.ListThingGroups(ctx, &iot.ListThingGroupsInput{ParentGroup: aws.String("building")})
	if err != nil || len(l.ThingGroups) != 1 || aws.ToString(l.ThingGroups[0].GroupName) != "floor1" {
		t.Fatalf("ListThingGroups: %+v, %v", l, err)
	}
	l, _ = c.ListThingGroups(ctx, &iot.ListThingGroupsInput{NamePrefixFilter: aws.String("b")})
	if len(l.ThingGroups) != 1 || aws.ToString(l.ThingGroups[0].GroupName) != "building" {
		t.Fatalf("ListThingGroups by prefix: %+v", l.ThingGroups)
	}
	_, err = c.DeleteThingGroup(ctx, &iot.DeleteThingGroupInput{ThingGroupName: aws.String("building")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	if _, err := c.RemoveThingFromThingGroup(ctx, &iot.RemoveThingFromThingGroupInput{ThingGroupName: aws.String("floor1"), ThingName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteThingGroup(ctx, &iot.DeleteThingGroupInput{ThingGroupName: aws.String("floor1"), ExpectedVersion: aws.Int64(7)})
	wantAPIError(t, err, "VersionConflictException", 409)
	for _, n := range []string{"floor1", "building", "never-existed"} {
		if _, err := c.DeleteThingGroup(ctx, &iot.DeleteThingGroupInput{ThingGroupName: aws.String(n)}); err != nil {
			t.Fatalf("DeleteThingGroup %s: %v", n, err)
		}
	}
	_, err = c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("x"), ParentGroupName: aws.String("nope")})
	wantAPIError(t, err, "InvalidRequestException", 400)
}
