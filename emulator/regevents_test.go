package emulator_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotemu/iotemu/testkit"
)

var (
	eventIDPattern   = regexp.MustCompile(`"eventId":"[0-9a-f-]{36}"`)
	eventTimePattern = regexp.MustCompile(`"timestamp":\d{13}`)
)

// nextRegistryEvent is the next message of in that is not a lifecycle
// event (the subscriber's own subscription is one).
func nextRegistryEvent(t *testing.T, in *testkit.Inbox) testkit.Message {
	t.Helper()
	for {
		m := in.Next(t, wait)
		if !strings.HasPrefix(m.Topic, "$aws/events/presence/") && !strings.HasPrefix(m.Topic, "$aws/events/subscriptions/") {
			return m
		}
	}
}

// wantEvent reads the next message of in and compares it with the
// expected topic and JSON, exactly, eventId (a UUID) and timestamp (13
// digits of ms) aside.
func wantEvent(t *testing.T, in *testkit.Inbox, topic, payload string) {
	t.Helper()
	m := nextRegistryEvent(t, in)
	got := eventTimePattern.ReplaceAllString(eventIDPattern.ReplaceAllString(string(m.Payload), `"eventId":"*"`), `"timestamp":T`)
	if m.Topic != topic || got != payload {
		t.Fatalf("got %s\n%s\nwant %s\n%s", m.Topic, m.Payload, topic, payload)
	}
}

// TestRegistryEvents: with the registry's event types disabled nothing is
// published; enabled, a subscriber receives AWS's JSON for things, thing
// groups, hierarchy, membership and thing types, exactly as documented.
func TestRegistryEvents(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	sub := emu.Connect(t, "events-sub")
	in := sub.Subscribe(t, "$aws/events/#", 1)
	if _, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("quiet")}); err != nil {
		t.Fatal(err)
	}
	on := types.Configuration{Enabled: true}
	if _, err := c.UpdateEventConfigurations(ctx, &iot.UpdateEventConfigurationsInput{EventConfigurations: map[string]types.Configuration{
		"THING": on, "THING_GROUP": on, "THING_GROUP_MEMBERSHIP": on, "THING_GROUP_HIERARCHY": on, "THING_TYPE": on,
	}}); err != nil {
		t.Fatal(err)
	}
	th, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("t1"),
		AttributePayload: &types.AttributePayload{Attributes: map[string]string{"color": "red"}}})
	if err != nil {
		t.Fatal(err)
	}
	tid := aws.ToString(th.ThingId)
	// The first event is t1's: "quiet" was created while THING was off.
	wantEvent(t, in, "$aws/events/thing/t1/created", `{"eventType":"THING_EVENT","eventId":"*","timestamp":T,"operation":"CREATED","accountId":"123456789012","thingId":"`+tid+`","thingName":"t1","versionNumber":1,"thingTypeName":null,"attributes":{"color":"red"}}`)
	if _, err := c.UpdateThing(ctx, &iot.UpdateThingInput{ThingName: aws.String("t1"),
		AttributePayload: &types.AttributePayload{Attributes: map[string]string{"size": "L"}, Merge: true}}); err != nil {
		t.Fatal(err)
	}
	wantEvent(t, in, "$aws/events/thing/t1/updated", `{"eventType":"THING_EVENT","eventId":"*","timestamp":T,"operation":"UPDATED","accountId":"123456789012","thingId":"`+tid+`","thingName":"t1","versionNumber":2,"thingTypeName":null,"attributes":{"color":"red","size":"L"}}`)

	root, err := c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("root")})
	if err != nil {
		t.Fatal(err)
	}
	rid, rarn := aws.ToString(root.ThingGroupId), aws.ToString(root.ThingGroupArn)
	wantEvent(t, in, "$aws/events/thingGroup/root/created", `{"eventType":"THING_GROUP_EVENT","eventId":"*","timestamp":T,"operation":"CREATED","accountId":"123456789012","thingGroupId":"`+rid+`","thingGroupName":"root","versionNumber":1,"description":"","rootToParentThingGroups":[],"attributes":{},"dynamicGroupMappingId":null}`)
	child, err := c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("child"), ParentGroupName: aws.String("root"),
		ThingGroupProperties: &types.ThingGroupProperties{ThingGroupDescription: aws.String("floor 2")}})
	if err != nil {
		t.Fatal(err)
	}
	cid, carn := aws.ToString(child.ThingGroupId), aws.ToString(child.ThingGroupArn)
	wantEvent(t, in, "$aws/events/thingGroup/child/created", `{"eventType":"THING_GROUP_EVENT","eventId":"*","timestamp":T,"operation":"CREATED","accountId":"123456789012","thingGroupId":"`+cid+`","thingGroupName":"child","versionNumber":1,"parentGroupName":"root","parentGroupId":"`+rid+`","description":"floor 2","rootToParentThingGroups":[{"groupArn":"`+rarn+`","groupId":"`+rid+`"}],"attributes":{},"dynamicGroupMappingId":null}`)
	wantEvent(t, in, "$aws/events/thingGroupHierarchy/thingGroup/root/childThingGroup/child/added", `{"eventType":"THING_GROUP_HIERARCHY_EVENT","eventId":"*","timestamp":T,"operation":"ADDED","accountId":"123456789012","thingGroupId":"`+rid+`","thingGroupName":"root","childGroupId":"`+cid+`","childGroupName":"child"}`)

	if _, err := c.AddThingToThingGroup(ctx, &iot.AddThingToThingGroupInput{ThingName: aws.String("t1"), ThingGroupName: aws.String("child")}); err != nil {
		t.Fatal(err)
	}
	m := nextRegistryEvent(t, in)
	membership := regexp.MustCompile(`"membershipId":"([0-9a-f-]{36})"`).FindStringSubmatch(string(m.Payload))
	if len(membership) != 2 {
		t.Fatalf("no membershipId: %s", m.Payload)
	}
	membershipJSON := func(op string) string {
		return `{"eventType":"THING_GROUP_MEMBERSHIP_EVENT","eventId":"*","timestamp":T,"operation":"` + op + `","accountId":"123456789012","groupArn":"` + carn + `","groupId":"` + cid + `","thingArn":"` + aws.ToString(th.ThingArn) + `","thingId":"` + tid + `","membershipId":"` + membership[1] + `"}`
	}
	got := eventTimePattern.ReplaceAllString(eventIDPattern.ReplaceAllString(string(m.Payload), `"eventId":"*"`), `"timestamp":T`)
	if m.Topic != "$aws/events/thingGroupMembership/thingGroup/child/thing/t1/added" || got != membershipJSON("ADDED") {
		t.Fatalf("membership added: %s %s", m.Topic, m.Payload)
	}
	if _, err := c.RemoveThingFromThingGroup(ctx, &iot.RemoveThingFromThingGroupInput{ThingName: aws.String("t1"), ThingGroupName: aws.String("child")}); err != nil {
		t.Fatal(err)
	}
	wantEvent(t, in, "$aws/events/thingGroupMembership/thingGroup/child/thing/t1/removed", membershipJSON("REMOVED"))

	tt, err := c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("sensor"),
		ThingTypeProperties: &types.ThingTypeProperties{ThingTypeDescription: aws.String("a sensor"), SearchableAttributes: []string{"color"}}})
	if err != nil {
		t.Fatal(err)
	}
	ttid := aws.ToString(tt.ThingTypeId)
	wantEvent(t, in, "$aws/events/thingType/sensor/created", `{"eventType":"THING_TYPE_EVENT","eventId":"*","timestamp":T,"operation":"CREATED","accountId":"123456789012","thingTypeId":"`+ttid+`","thingTypeName":"sensor","isDeprecated":false,"deprecationDate":null,"searchableAttributes":["color"],"description":"a sensor"}`)
	if _, err := c.DeprecateThingType(ctx, &iot.DeprecateThingTypeInput{ThingTypeName: aws.String("sensor")}); err != nil {
		t.Fatal(err)
	}
	m = nextRegistryEvent(t, in)
	if m.Topic != "$aws/events/thingType/sensor/updated" || !strings.Contains(string(m.Payload), `"isDeprecated":true,"deprecationDate":1`) {
		t.Fatalf("deprecated: %s %s", m.Topic, m.Payload)
	}

	if _, err := c.DeleteThingGroup(ctx, &iot.DeleteThingGroupInput{ThingGroupName: aws.String("child")}); err != nil {
		t.Fatal(err)
	}
	wantEvent(t, in, "$aws/events/thingGroupHierarchy/thingGroup/root/childThingGroup/child/removed", `{"eventType":"THING_GROUP_HIERARCHY_EVENT","eventId":"*","timestamp":T,"operation":"REMOVED","accountId":"123456789012","thingGroupId":"`+rid+`","thingGroupName":"root","childGroupId":"`+cid+`","childGroupName":"child"}`)
	if m := nextRegistryEvent(t, in); m.Topic != "$aws/events/thingGroup/child/deleted" || !strings.Contains(string(m.Payload), `"operation":"DELETED"`) {
		t.Fatalf("group deleted: %s %s", m.Topic, m.Payload)
	}
	if _, err := c.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String("t1")}); err != nil {
		t.Fatal(err)
	}
	wantEvent(t, in, "$aws/events/thing/t1/deleted", `{"eventType":"THING_EVENT","eventId":"*","timestamp":T,"operation":"DELETED","accountId":"123456789012","thingId":"`+tid+`","thingName":"t1","versionNumber":2,"thingTypeName":null,"attributes":{"color":"red","size":"L"}}`)

	// Disabled again: nothing; the sentinel published after proves it.
	if _, err := c.UpdateEventConfigurations(ctx, &iot.UpdateEventConfigurationsInput{EventConfigurations: map[string]types.Configuration{"THING": {Enabled: false}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("quiet2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("sentinel")}); err != nil {
		t.Fatal(err)
	}
	if m := nextRegistryEvent(t, in); m.Topic != "$aws/events/thingGroup/sentinel/created" {
		t.Fatalf("after disabling THING: %s %s", m.Topic, m.Payload)
	}
}

// TestRegistryTypeAssociationAndDeleteEvents: a thing's type association
// is reported when CreateThing gives a type and UpdateThing changes or
// removes it (THING_TYPE_ASSOCIATION, AWS's JSON); deleting a thing that
// is in a group reports its membership removed before the thing deleted.
func TestRegistryTypeAssociationAndDeleteEvents(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	in := emu.Connect(t, "assoc-sub").Subscribe(t, "$aws/events/#", 1)
	for _, name := range []string{"lamp", "fan"} {
		if _, err := c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("room")}); err != nil {
		t.Fatal(err)
	}
	on := types.Configuration{Enabled: true}
	if _, err := c.UpdateEventConfigurations(ctx, &iot.UpdateEventConfigurationsInput{EventConfigurations: map[string]types.Configuration{
		"THING_TYPE_ASSOCIATION": on, "THING_GROUP_MEMBERSHIP": on, "THING": on}}); err != nil {
		t.Fatal(err)
	}
	th, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("a1"), ThingTypeName: aws.String("lamp")})
	if err != nil {
		t.Fatal(err)
	}
	tid := aws.ToString(th.ThingId)
	assoc := func(op, typ string) string {
		return `{"eventId":"*","eventType":"THING_TYPE_ASSOCIATION_EVENT","operation":"` + op + `","thingId":"` + tid + `","thingName":"a1","thingTypeName":"` + typ + `","timestamp":T}`
	}
	if m := nextRegistryEvent(t, in); m.Topic != "$aws/events/thing/a1/created" {
		t.Fatalf("first event %s", m.Topic)
	}
	wantEvent(t, in, "$aws/events/thingTypeAssociation/thing/a1/thingType/lamp/added", assoc("ADDED", "lamp"))
	if _, err := c.UpdateThing(ctx, &iot.UpdateThingInput{ThingName: aws.String("a1"), ThingTypeName: aws.String("fan")}); err != nil {
		t.Fatal(err)
	}
	if m := nextRegistryEvent(t, in); m.Topic != "$aws/events/thing/a1/updated" {
		t.Fatalf("update event %s", m.Topic)
	}
	wantEvent(t, in, "$aws/events/thingTypeAssociation/thing/a1/thingType/lamp/removed", assoc("REMOVED", "lamp"))
	wantEvent(t, in, "$aws/events/thingTypeAssociation/thing/a1/thingType/fan/added", assoc("ADDED", "fan"))
	if _, err := c.UpdateThing(ctx, &iot.UpdateThingInput{ThingName: aws.String("a1"), RemoveThingType: true}); err != nil {
		t.Fatal(err)
	}
	if m := nextRegistryEvent(t, in); m.Topic != "$aws/events/thing/a1/updated" {
		t.Fatalf("update event %s", m.Topic)
	}
	wantEvent(t, in, "$aws/events/thingTypeAssociation/thing/a1/thingType/fan/removed", assoc("REMOVED", "fan"))

	if _, err := c.AddThingToThingGroup(ctx, &iot.AddThingToThingGroupInput{ThingName: aws.String("a1"), ThingGroupName: aws.String("room")}); err != nil {
		t.Fatal(err)
	}
	added := nextRegistryEvent(t, in)
	if added.Topic != "$aws/events/thingGroupMembership/thingGroup/room/thing/a1/added" {
		t.Fatalf("membership: %s", added.Topic)
	}
	if _, err := c.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String("a1")}); err != nil {
		t.Fatal(err)
	}
	removed := nextRegistryEvent(t, in)
	id := regexp.MustCompile(`"membershipId":"[0-9a-f-]{36}"`)
	if removed.Topic != "$aws/events/thingGroupMembership/thingGroup/room/thing/a1/removed" ||
		!strings.Contains(string(removed.Payload), `"operation":"REMOVED"`) ||
		id.FindString(string(removed.Payload)) != id.FindString(string(added.Payload)) {
		t.Fatalf("membership at delete: %s %s (added %s)", removed.Topic, removed.Payload, added.Payload)
	}
	if m := nextRegistryEvent(t, in); m.Topic != "$aws/events/thing/a1/deleted" {
		t.Fatalf("after the membership: %s", m.Topic)
	}
}
