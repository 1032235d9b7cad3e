package emulator_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotemu/iotemu/testkit"
)

func tagMap(t *testing.T, c *iot.Client, arn string) map[string]string {
	t.Helper()
	out, err := c.ListTagsForResource(context.Background(), &iot.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("ListTagsForResource %s: %v", arn, err)
	}
	m := map[string]string{}
	for _, tg := range out.Tags {
		m[*tg.Key] = aws.ToString(tg.Value)
	}
	return m
}

// TestTagsSDK: tags given on Create show in ListTagsForResource for every
// taggable resource; TagResource overwrites, UntagResource removes, and the
// tags go away with the resource.
func TestTagsSDK(t *testing.T) {
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	tags := []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}
	g, err := c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("g"), Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	tt, err := c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String("tt"), Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAllPolicy), Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("r"), Tags: aws.String("a=1&b=2"),
		TopicRulePayload: republishPayload("SELECT * FROM 'x'", "y")})
	if err != nil {
		t.Fatal(err)
	}
	for _, arn := range []string{*g.ThingGroupArn, *tt.ThingTypeArn, *p.PolicyArn} {
		if got := tagMap(t, c, arn); got["env"] != "dev" || len(got) != 1 {
			t.Fatalf("%s tags = %v", arn, got)
		}
	}
	ruleARN := strings.Replace(*g.ThingGroupArn, "thinggroup/g", "rule/r", 1)
	if got := tagMap(t, c, ruleARN); got["a"] != "1" || got["b"] != "2" {
		t.Fatalf("rule tags = %v", got)
	}
	_, err = c.TagResource(ctx, &iot.TagResourceInput{ResourceArn: g.ThingGroupArn, Tags: []types.Tag{
		{Key: aws.String("env"), Value: aws.String("prod")}, {Key: aws.String("team"), Value: aws.String("")}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := tagMap(t, c, *g.ThingGroupArn); got["env"] != "prod" || len(got) != 2 {
		t.Fatalf("after TagResource = %v", got)
	}
	if _, err := c.UntagResource(ctx, &iot.UntagResourceInput{ResourceArn: g.ThingGroupArn, TagKeys: []string{"env"}}); err != nil {
		t.Fatal(err)
	}
	if got := tagMap(t, c, *g.ThingGroupArn); len(got) != 1 || got["team"] != "" {
		t.Fatalf("after UntagResource = %v", got)
	}
	if _, err := c.DeleteThingGroup(ctx, &iot.DeleteThingGroupInput{ThingGroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	if got := tagMap(t, c, *g.ThingGroupArn); len(got) != 0 {
		t.Fatalf("a recreated group kept its predecessor's tags: %v", got)
	}
}

// TestTagErrorsSDK: unknown resources, things, the 50-tag limit, key and
// value lengths and the aws: prefix get AWS's errors, and a refused call
// changes nothing.
func TestTagErrorsSDK(t *testing.T) {
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	g, err := c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	th, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("th")})
	if err != nil {
		t.Fatal(err)
	}
	tag := func(arn string, tags ...types.Tag) error {
		_, err := c.TagResource(ctx, &iot.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags})
		return err
	}
	one := types.Tag{Key: aws.String("k"), Value: aws.String("v")}
	wantAPIError(t, tag(strings.Replace(*g.ThingGroupArn, "/g", "/missing", 1), one), "ResourceNotFoundException", 404)
	wantAPIError(t, tag(*th.ThingArn, one), "InvalidRequestException", 400)
	_, err = c.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:iot:us-east-1:123456789012:policy/none")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	var fifty []types.Tag
	for i := range 50 {
		fifty = append(fifty, types.Tag{Key: aws.String(fmt.Sprintf("k%02d", i)), Value: aws.String("v")})
	}
	if err := tag(*g.ThingGroupArn, fifty...); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, tag(*g.ThingGroupArn, types.Tag{Key: aws.String("k50"), Value: aws.String("v")}), "LimitExceededException", 410)
	wantAPIError(t, tag(*g.ThingGroupArn, types.Tag{Key: aws.String(strings.Repeat("k", 129)), Value: aws.String("v")}), "InvalidRequestException", 400)
	wantAPIError(t, tag(*g.ThingGroupArn, types.Tag{Key: aws.String("k00"), Value: aws.String(strings.Repeat("v", 257))}), "InvalidRequestException", 400)
	wantAPIError(t, tag(*g.ThingGroupArn, types.Tag{Key: aws.String("aws:owner"), Value: aws.String("v")}), "InvalidRequestException", 400)
	if got := tagMap(t, c, *g.ThingGroupArn); len(got) != 50 || got["k00"] != "v" {
		t.Fatalf("refused calls changed the tags: %d tags, k00=%q", len(got), got["k00"])
	}
	_, err = c.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("bad"),
		Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = c.DescribeThingGroup(ctx, &iot.DescribeThingGroupInput{ThingGroupName: aws.String("bad")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
}

// TestTagsAWSCLI: tag-resource, list-tags-for-resource and untag-resource
// with the AWS CLI on a policy created with --tags.
func TestTagsAWSCLI(t *testing.T) {
	emu := testkit.Start(t)
	cli := func(args ...string) map[string]any { t.Helper(); return cliJSON(t, emu, args...) }
	arn, _ := cli("iot", "create-policy", "--policy-name", "p", "--policy-document", allowAllPolicy,
		"--tags", "Key=a,Value=1")["policyArn"].(string)
	cli("iot", "tag-resource", "--resource-arn", arn, "--tags", "Key=b,Value=2")
	cli("iot", "untag-resource", "--resource-arn", arn, "--tag-keys", "a")
	got := cli("iot", "list-tags-for-resource", "--resource-arn", arn)["tags"].([]any)
	if len(got) != 1 || got[0].(map[string]any)["Key"] != "b" || got[0].(map[string]any)["Value"] != "2" {
		t.Fatalf("list-tags-for-resource: %v", got)
	}
}
