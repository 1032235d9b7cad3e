package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// iotClient is an AWS SDK v2 IoT control-plane client pointed at the emulator.
func iotClient(emu *testkit.Emulator) *iot.Client {
	return iot.New(iot.Options{
		BaseEndpoint: aws.String(emu.Endpoint()),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
}

func republishPayload(sql, topic string) *types.TopicRulePayload {
	return &types.TopicRulePayload{
		Sql: aws.String(sql),
		Actions: []types.Action{{Republish: &types.RepublishAction{
			RoleArn: aws.String("arn:aws:iam::123456789012:role/r"), Topic: aws.String(topic), Qos: aws.Int32(1),
		}}},
	}
}

// TestTopicRuleLifecycleSDK: create, get, run, replace, disable, enable and
// delete a rule with the Go SDK; the rule acts on MQTT messages in between.
func TestTopicRuleLifecycleSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	inbox := emu.Connect(t, "sub").Subscribe(t, "out/#", 1)
	pub := emu.Connect(t, "pub")

	_, err := c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("r1"),
		TopicRulePayload: republishPayload("SELECT t FROM 'in/+' WHERE t > 20", "out/${topic(2)}")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("r1")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.RuleArn) != "arn:aws:iot:us-east-1:123456789012:rule/r1" ||
		aws.ToString(got.Rule.AwsIotSqlVersion) != "2015-10-08" || aws.ToBool(got.Rule.RuleDisabled) ||
		got.Rule.CreatedAt == nil || aws.ToString(got.Rule.Actions[0].Republish.Topic) != "out/${topic(2)}" {
		t.Fatalf("GetTopicRule: %+v %+v", got, got.Rule)
	}

	pub.Publish(t, "in/a", 1, false, []byte(`{"t":25}`))
	if m := inbox.Next(t, wait); m.Topic != "out/a" || string(m.Payload) != `{"t":25}` {
		t.Fatalf("republished %s %s", m.Topic, m.Payload)
	}

	_, err = c.ReplaceTopicRule(ctx, &iot.ReplaceTopicRuleInput{RuleName: aws.String("r1"),
		TopicRulePayload: republishPayload("SELECT t * 2 AS d FROM 'in/+'", "out/replaced")})
	if err != nil {
		t.Fatal(err)
	}
	pub.Publish(t, "in/b", 1, false, []byte(`{"t":1}`))
	if m := inbox.Next(t, wait); m.Topic != "out/replaced" || string(m.Payload) != `{"d":2}` {
		t.Fatalf("after replace: republished %s %s", m.Topic, m.Payload)
	}

	if _, err := c.DisableTopicRule(ctx, &iot.DisableTopicRuleInput{RuleName: aws.String("r1")}); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("r1")}); !aws.ToBool(got.Rule.RuleDisabled) {
		t.Fatal("GetTopicRule after DisableTopicRule: ruleDisabled false")
	}
	if _, err := c.EnableTopicRule(ctx, &iot.EnableTopicRuleInput{RuleName: aws.String("r1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteTopicRule(ctx, &iot.DeleteTopicRuleInput{RuleName: aws.String("r1")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("r1")})
	var denied *types.UnauthorizedException
	if !errors.As(err, &denied) || aws.ToString(denied.Message) != "Access to topic rule 'r1' was denied" {
		t.Fatalf("GetTopicRule after delete: got %v, want UnauthorizedException", err)
	}
}

// TestTopicRuleActionsRoundTrip: action types this version does not run
// are accepted and returned unchanged, with the error action.
func TestTopicRuleActionsRoundTrip(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	in := &types.TopicRulePayload{
		Sql:              aws.String("SELECT * FROM 'a/b'"),
		AwsIotSqlVersion: aws.String("2016-03-23"),
		Description:      aws.String("all kinds"),
		RuleDisabled:     aws.Bool(true),
		Actions: []types.Action{
			{Lambda: &types.LambdaAction{FunctionArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:f")}},
			{DynamoDBv2: &types.DynamoDBv2Action{RoleArn: aws.String("arn:r"), PutItem: &types.PutItemInput{TableName: aws.String("t")}}},
			{Republish: &types.RepublishAction{RoleArn: aws.String("arn:r"), Topic: aws.String("x"), Headers: &types.MqttHeaders{
				ContentType: aws.String("application/json"), UserProperties: []types.UserProperty{{Key: aws.String("k"), Value: aws.String("v")}}}}},
		},
		ErrorAction: &types.Action{Sqs: &types.SqsAction{RoleArn: aws.String("arn:r"), QueueUrl: aws.String("https://q"), UseBase64: aws.Bool(true)}},
	}
	if _, err := c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("kinds"), TopicRulePayload: in}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("kinds")})
	if err != nil {
		t.Fatal(err)
	}
	want := &types.TopicRule{RuleName: aws.String("kinds"), Sql: in.Sql, AwsIotSqlVersion: in.AwsIotSqlVersion,
		Description: in.Description, RuleDisabled: in.RuleDisabled, Actions: in.Actions, ErrorAction: in.ErrorAction,
		CreatedAt: got.Rule.CreatedAt}
	wantJSON, _ := json.Marshal(want) // the SDK's types have unexported fields; compare their JSON
	gotJSON, _ := json.Marshal(got.Rule)
	if d := cmp.Diff(string(wantJSON), string(gotJSON)); d != "" {
		t.Fatalf("GetTopicRule (-want +got):\n%s", d)
	}
}

// TestListTopicRulesSDK: pagination with maxResults and the paginator,
// and the topic and ruleDisabled filters.
func TestListTopicRulesSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	for _, r := range []struct{ name, topic string }{{"e", "t/1"}, {"a", "t/1"}, {"d", "t/2"}, {"b", "t/2"}, {"c", "t/1"}} {
		if _, err := c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String(r.name),
			TopicRulePayload: republishPayload("SELECT * FROM '"+r.topic+"'", "o")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DisableTopicRule(ctx, &iot.DisableTopicRuleInput{RuleName: aws.String("d")}); err != nil {
		t.Fatal(err)
	}
	var names []string
	pages := 0
	p := iot.NewListTopicRulesPaginator(c, &iot.ListTopicRulesInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range page.Rules {
			names = append(names, aws.ToString(r.RuleName))
			if aws.ToString(r.RuleArn) == "" || r.CreatedAt == nil {
				t.Errorf("list item %+v lacks ARN or createdAt", r)
			}
		}
	}
	if d := cmp.Diff([]string{"a", "b", "c", "d", "e"}, names); d != "" || pages != 3 {
		t.Fatalf("%d pages, names (-want +got):\n%s", pages, d)
	}
	for _, tc := range []struct {
		in   iot.ListTopicRulesInput
		want []string
	}{
		{iot.ListTopicRulesInput{Topic: aws.String("t/2")}, []string{"b", "d"}},
		{iot.ListTopicRulesInput{RuleDisabled: aws.Bool(true)}, []string{"d"}},
		{iot.ListTopicRulesInput{RuleDisabled: aws.Bool(false), Topic: aws.String("t/1")}, []string{"a", "c", "e"}},
	} {
		out, err := c.ListTopicRules(ctx, &tc.in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range out.Rules {
			got = append(got, aws.ToString(r.RuleName))
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("filter %+v (-want +got):\n%s", tc.in, d)
		}
	}
}

// TestTopicRuleErrorsSDK: the SDK's typed errors for invalid SQL, an
// invalid name, a duplicate, a missing rule and a bad page size.
func TestTopicRuleErrorsSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	create := func(name, sql string) error {
		_, err := c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String(name), TopicRulePayload: republishPayload(sql, "o")})
		return err
	}
	if err := create("ok", "SELECT * FROM 'a'"); err != nil {
		t.Fatal(err)
	}
	var parse *types.SqlParseException
	if err := create("bad_sql", "SELECT * FROM"); !errors.As(err, &parse) {
		t.Errorf("invalid SQL: got %v, want SqlParseException", err)
	}
	var invalid *types.InvalidRequestException
	if err := create("my-rule", "SELECT * FROM 'a'"); !errors.As(err, &invalid) {
		t.Errorf("invalid name: got %v, want InvalidRequestException", err)
	}
	var exists *types.ResourceAlreadyExistsException
	if err := create("ok", "SELECT * FROM 'a'"); !errors.As(err, &exists) {
		t.Errorf("duplicate: got %v, want ResourceAlreadyExistsException", err)
	}
	var denied *types.UnauthorizedException
	for op, call := range map[string]func() error{
		"Replace": func() error {
			_, err := c.ReplaceTopicRule(ctx, &iot.ReplaceTopicRuleInput{RuleName: aws.String("nope"), TopicRulePayload: republishPayload("SELECT * FROM 'a'", "o")})
			return err
		},
		"Delete": func() error {
			_, err := c.DeleteTopicRule(ctx, &iot.DeleteTopicRuleInput{RuleName: aws.String("nope")})
			return err
		},
		"Enable": func() error {
			_, err := c.EnableTopicRule(ctx, &iot.EnableTopicRuleInput{RuleName: aws.String("nope")})
			return err
		},
		"Disable": func() error {
			_, err := c.DisableTopicRule(ctx, &iot.DisableTopicRuleInput{RuleName: aws.String("nope")})
			return err
		},
	} {
		if err := call(); !errors.As(err, &denied) {
			t.Errorf("%s of a missing rule: got %v, want UnauthorizedException", op, err)
		}
	}
	if _, err := c.ListTopicRules(ctx, &iot.ListTopicRulesInput{MaxResults: aws.Int32(0)}); !errors.As(err, &invalid) {
		t.Errorf("maxResults 0: got %v, want InvalidRequestException", err)
	}
}

// TestRuleNotFoundAsResourceNotFound: the Compat switch answers a missing
// rule as moto and LocalStack do.
func TestRuleNotFoundAsResourceNotFound(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) { c.Compat.RuleNotFoundAsResourceNotFound = true }))
	_, err := iotClient(emu).GetTopicRule(context.Background(), &iot.GetTopicRuleInput{RuleName: aws.String("nope")})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ResourceNotFoundException" {
		t.Fatalf("got %v, want ResourceNotFoundException", err)
	}
}
