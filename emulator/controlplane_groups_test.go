package emulator_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotemu/iotemu/testkit"
)

// mustIoT returns an SDK call's output; an error panics, which fails the
// test with the call's stack (Go cannot pass t alongside a two-value call).
func mustIoT[T any](out T, err error) T {
	if err != nil {
		panic(err)
	}
	return out
}

// TestThingGroupUpdatesSDK: UpdateThingGroup versions and conflicts,
// UpdateThingGroupsForThing, ListThingsInThingGroup (recursive),
// ListThingGroupsForThing and rootToParentThingGroups.
func TestThingGroupUpdatesSDK(t *testing.T) {
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	mustIoT(c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("root")}))
	mustIoT(c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("child"), ParentGroupName: aws.String("root")}))
	mustIoT(c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("other")}))
	for _, n := range []string{"a", "b"} {
		mustIoT(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String(n)}))
	}
	up := mustIoT(c.UpdateThingGroup(ctx, &iot.UpdateThingGroupInput{ThingGroupName: aws.String("root"),
		ThingGroupProperties: &types.ThingGroupProperties{ThingGroupDescription: aws.String("d"),
			AttributePayload: &types.AttributePayload{Attributes: map[string]string{"k": "v"}}}}))
	if up.Version != 2 {
		t.Fatalf("version after update = %d, want 2", up.Version)
	}
	_, err := c.UpdateThingGroup(ctx, &iot.UpdateThingGroupInput{ThingGroupName: aws.String("root"), ExpectedVersion: aws.Int64(1),
		ThingGroupProperties: &types.ThingGroupProperties{ThingGroupDescription: aws.String("stale")}})
	wantAPIError(t, err, "VersionConflictException", 409)
	d := mustIoT(c.DescribeThingGroup(ctx, &iot.DescribeThingGroupInput{ThingGroupName: aws.String("child")}))
	if r := d.ThingGroupMetadata.RootToParentThingGroups; len(r) != 1 || *r[0].GroupName != "root" {
		t.Fatalf("rootToParentThingGroups = %+v", r)
	}
	mustIoT(c.UpdateThingGroupsForThing(ctx, &iot.UpdateThingGroupsForThingInput{ThingName: aws.String("a"), ThingGroupsToAdd: []string{"child", "other"}}))
	mustIoT(c.AddThingToThingGroup(ctx, &iot.AddThingToThingGroupInput{ThingName: aws.String("b"), ThingGroupName: aws.String("root")}))
	_, err = c.UpdateThingGroupsForThing(ctx, &iot.UpdateThingGroupsForThingInput{ThingName: aws.String("a"), ThingGroupsToAdd: []string{"root"}, ThingGroupsToRemove: []string{"other"}})
	wantAPIError(t, err, "InvalidRequestException", 400) // same hierarchy as child
	_, err = c.UpdateThingGroupsForThing(ctx, &iot.UpdateThingGroupsForThingInput{ThingName: aws.String("a"), ThingGroupsToAdd: []string{"missing"}})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	groups := mustIoT(c.ListThingGroupsForThing(ctx, &iot.ListThingGroupsForThingInput{ThingName: aws.String("a")}))
	if len(groups.ThingGroups) != 2 || *groups.ThingGroups[0].GroupName != "child" {
		t.Fatalf("ListThingGroupsForThing after a refused update = %+v", groups.ThingGroups)
	}
	direct := mustIoT(c.ListThingsInThingGroup(ctx, &iot.ListThingsInThingGroupInput{ThingGroupName: aws.String("root")}))
	all := mustIoT(c.ListThingsInThingGroup(ctx, &iot.ListThingsInThingGroupInput{ThingGroupName: aws.String("root"), Recursive: true}))
	if !slices.Equal(direct.Things, []string{"b"}) || !slices.Equal(all.Things, []string{"a", "b"}) {
		t.Fatalf("ListThingsInThingGroup = %v, recursive %v", direct.Things, all.Things)
	}
	_, err = c.UpdateThingType(ctx, &iot.UpdateThingTypeInput{ThingTypeName: aws.String("none")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	mustIoT(c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("tt")}))
	mustIoT(c.UpdateThingType(ctx, &iot.UpdateThingTypeInput{ThingTypeName: aws.String("tt"),
		ThingTypeProperties: &types.ThingTypeProperties{ThingTypeDescription: aws.String("new")}}))
	tt := mustIoT(c.DescribeThingType(ctx, &iot.DescribeThingTypeInput{ThingTypeName: aws.String("tt")}))
	if *tt.ThingTypeProperties.ThingTypeDescription != "new" {
		t.Fatalf("UpdateThingType not applied: %+v", tt.ThingTypeProperties)
	}
}

// TestBillingGroupsSDK: the billing group lifecycle and membership; a
// thing moves when added to a second billing group.
func TestBillingGroupsSDK(t *testing.T) {
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	b := mustIoT(c.CreateBillingGroup(ctx, &iot.CreateBillingGroupInput{BillingGroupName: aws.String("b1"),
		BillingGroupProperties: &types.BillingGroupProperties{BillingGroupDescription: aws.String("first")},
		Tags:                   []types.Tag{{Key: aws.String("cost"), Value: aws.String("x")}}}))
	again := mustIoT(c.CreateBillingGroup(ctx, &iot.CreateBillingGroupInput{BillingGroupName: aws.String("b1"),
		BillingGroupProperties: &types.BillingGroupProperties{BillingGroupDescription: aws.String("first")}}))
	if *again.BillingGroupId != *b.BillingGroupId {
		t.Fatal("an identical CreateBillingGroup made a new group")
	}
	_, err := c.CreateBillingGroup(ctx, &iot.CreateBillingGroupInput{BillingGroupName: aws.String("b1"),
		BillingGroupProperties: &types.BillingGroupProperties{BillingGroupDescription: aws.String("other")}})
	wantAPIError(t, err, "ResourceAlreadyExistsException", 409)
	if got := tagMap(t, c, *b.BillingGroupArn); got["cost"] != "x" {
		t.Fatalf("billing group tags = %v", got)
	}
	mustIoT(c.CreateBillingGroup(ctx, &iot.CreateBillingGroupInput{BillingGroupName: aws.String("b2")}))
	mustIoT(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("t")}))
	mustIoT(c.AddThingToBillingGroup(ctx, &iot.AddThingToBillingGroupInput{BillingGroupName: aws.String("b1"), ThingName: aws.String("t")}))
	mustIoT(c.AddThingToBillingGroup(ctx, &iot.AddThingToBillingGroupInput{BillingGroupArn: aws.String(strings.Replace(*b.BillingGroupArn, "b1", "b2", 1)), ThingName: aws.String("t")}))
	in1 := mustIoT(c.ListThingsInBillingGroup(ctx, &iot.ListThingsInBillingGroupInput{BillingGroupName: aws.String("b1")}))
	in2 := mustIoT(c.ListThingsInBillingGroup(ctx, &iot.ListThingsInBillingGroupInput{BillingGroupName: aws.String("b2")}))
	if len(in1.Things) != 0 || !slices.Equal(in2.Things, []string{"t"}) {
		t.Fatalf("after a move: members b1 %v b2 %v", in1.Things, in2.Things)
	}
	up := mustIoT(c.UpdateBillingGroup(ctx, &iot.UpdateBillingGroupInput{BillingGroupName: aws.String("b1"),
		BillingGroupProperties: &types.BillingGroupProperties{BillingGroupDescription: aws.String("new")}}))
	if up.Version != 2 {
		t.Fatalf("version = %d", up.Version)
	}
	_, err = c.UpdateBillingGroup(ctx, &iot.UpdateBillingGroupInput{BillingGroupName: aws.String("b1"), ExpectedVersion: aws.Int64(1),
		BillingGroupProperties: &types.BillingGroupProperties{BillingGroupDescription: aws.String("stale")}})
	wantAPIError(t, err, "VersionConflictException", 409)
	desc := mustIoT(c.DescribeBillingGroup(ctx, &iot.DescribeBillingGroupInput{BillingGroupName: aws.String("b1")}))
	if *desc.BillingGroupProperties.BillingGroupDescription != "new" || desc.BillingGroupMetadata.CreationDate == nil {
		t.Fatalf("describe = %+v", desc)
	}
	list := mustIoT(c.ListBillingGroups(ctx, &iot.ListBillingGroupsInput{NamePrefixFilter: aws.String("b")}))
	if len(list.BillingGroups) != 2 {
		t.Fatalf("list = %+v", list.BillingGroups)
	}
	mustIoT(c.RemoveThingFromBillingGroup(ctx, &iot.RemoveThingFromBillingGroupInput{BillingGroupName: aws.String("b2"), ThingName: aws.String("t")}))
	mustIoT(c.DeleteBillingGroup(ctx, &iot.DeleteBillingGroupInput{BillingGroupName: aws.String("b1")}))
	_, err = c.DescribeBillingGroup(ctx, &iot.DescribeBillingGroupInput{BillingGroupName: aws.String("b1")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
}

func enableIndexing(t *testing.T, c *iot.Client) {
	t.Helper()
	mustIoT(c.UpdateIndexingConfiguration(context.Background(), &iot.UpdateIndexingConfigurationInput{
		ThingIndexingConfiguration: &types.ThingIndexingConfiguration{ThingIndexingMode: types.ThingIndexingModeRegistryAndShadow},
	}))
}

// TestDynamicThingGroupSDK: a dynamic group's members follow its query
// as attributes and shadows change; Describe shows the query and status;
// static operations on it and indexing OFF are refused.
func TestDynamicThingGroupSDK(t *testing.T) {
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	_, err := c.CreateDynamicThingGroup(ctx, &iot.CreateDynamicThingGroupInput{ThingGroupName: aws.String("warm"), QueryString: aws.String("attributes.temperature>60")})
	wantAPIError(t, err, "InvalidRequestException", 400) // indexing off
	enableIndexing(t, c)
	_, err = c.CreateDynamicThingGroup(ctx, &iot.CreateDynamicThingGroupInput{ThingGroupName: aws.String("warm"), QueryString: aws.String("attributes.temperature>(")})
	wantAPIError(t, err, "InvalidQueryException", 400)
	mustIoT(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("hot"), AttributePayload: &types.AttributePayload{Attributes: map[string]string{"temperature": "70"}}}))
	mustIoT(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("cold"), AttributePayload: &types.AttributePayload{Attributes: map[string]string{"temperature": "10"}}}))
	g := mustIoT(c.CreateDynamicThingGroup(ctx, &iot.CreateDynamicThingGroupInput{ThingGroupName: aws.String("warm"), QueryString: aws.String("attributes.temperature>60")}))
	if *g.IndexName != "AWS_Things" || *g.QueryVersion != "2017-09-30" {
		t.Fatalf("create = %+v", g)
	}
	members := func() []string {
		t.Helper()
		return mustIoT(c.ListThingsInThingGroup(ctx, &iot.ListThingsInThingGroupInput{ThingGroupName: aws.String("warm")})).Things
	}
	if got := members(); !slices.Equal(got, []string{"hot"}) {
		t.Fatalf("members = %v", got)
	}
	mustIoT(c.UpdateThing(ctx, &iot.UpdateThingInput{ThingName: aws.String("cold"), AttributePayload: &types.AttributePayload{Attributes: map[string]string{"temperature": "65"}}}))
	if got := members(); !slices.Equal(got, []string{"cold", "hot"}) {
		t.Fatalf("members after update = %v", got)
	}
	forThing := mustIoT(c.ListThingGroupsForThing(ctx, &iot.ListThingGroupsForThingInput{ThingName: aws.String("cold")}))
	if len(forThing.ThingGroups) != 1 || *forThing.ThingGroups[0].GroupName != "warm" {
		t.Fatalf("groups for thing = %+v", forThing.ThingGroups)
	}
	d := mustIoT(c.DescribeThingGroup(ctx, &iot.DescribeThingGroupInput{ThingGroupName: aws.String("warm")}))
	if d.Status != types.DynamicGroupStatusActive || *d.QueryString != "attributes.temperature>60" {
		t.Fatalf("describe = status %q query %v", d.Status, d.QueryString)
	}
	emu.SetShadow(t, "hot", "", `{"state":{"reported":{"on":true}}}`)
	emu.UpdateShadow(t, "hot", "", `{"state":{"reported":{"on":true}}}`)
	mustIoT(c.UpdateDynamicThingGroup(ctx, &iot.UpdateDynamicThingGroupInput{ThingGroupName: aws.String("warm"),
		QueryString: aws.String("shadow.reported.on:true"), ThingGroupProperties: &types.ThingGroupProperties{}}))
	if got := members(); !slices.Equal(got, []string{"hot"}) {
		t.Fatalf("members after query update = %v", got)
	}
	_, err = c.AddThingToThingGroup(ctx, &iot.AddThingToThingGroupInput{ThingGroupName: aws.String("warm"), ThingName: aws.String("cold")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = c.UpdateIndexingConfiguration(ctx, &iot.UpdateIndexingConfigurationInput{
		ThingIndexingConfiguration: &types.ThingIndexingConfiguration{ThingIndexingMode: types.ThingIndexingModeOff}})
	wantAPIError(t, err, "InvalidRequestException", 400)
	mustIoT(c.DeleteDynamicThingGroup(ctx, &iot.DeleteDynamicThingGroupInput{ThingGroupName: aws.String("warm")}))
	_, err = c.DescribeThingGroup(ctx, &iot.DescribeThingGroupInput{ThingGroupName: aws.String("warm")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
}
