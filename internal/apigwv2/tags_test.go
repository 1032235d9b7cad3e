package apigwv2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"

	"github.com/iotemu/iotemu/internal/apigwv2"
)

func TestTags(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api := aws.ToString(f.wsAPI(t, "chat").ApiId)
	if _, err := f.c.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: &api, StageName: aws.String("dev"), Tags: map[string]string{"s": "1"}}); err != nil {
		t.Fatalf("CreateStage: %v", err)
	}
	apiARN := "arn:aws:apigateway:us-east-1::/apis/" + api
	stageARN := apiARN + "/stages/dev"
	for _, arn := range []string{apiARN, stageARN} {
		if _, err := f.c.TagResource(ctx, &apigatewayv2.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"a": "1", "b": "2"}}); err != nil {
			t.Fatalf("TagResource %s: %v", arn, err)
		}
		if _, err := f.c.UntagResource(ctx, &apigatewayv2.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"a"}}); err != nil {
			t.Fatalf("UntagResource %s: %v", arn, err)
		}
		got, err := f.c.GetTags(ctx, &apigatewayv2.GetTagsInput{ResourceArn: aws.String(arn)})
		if err != nil || got.Tags["b"] != "2" || got.Tags["a"] != "" {
			t.Fatalf("GetTags %s = %v, %v", arn, got.Tags, err)
		}
	}
	a, err := f.c.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: &api})
	if err != nil || len(a.Tags) != 1 || a.Tags["b"] != "2" {
		t.Errorf("GetApi tags = %v, %v", a.Tags, err)
	}
	sg, err := f.c.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: &api, StageName: aws.String("dev")})
	if err != nil || sg.Tags["s"] != "1" || sg.Tags["b"] != "2" {
		t.Errorf("GetStage tags = %v, %v", sg.Tags, err)
	}
	_, err = f.c.GetTags(ctx, &apigatewayv2.GetTagsInput{ResourceArn: aws.String("arn:aws:apigateway:us-east-1::/apis/zzzzzzzzzz")})
	wantError(t, err, "NotFoundException", "Invalid API identifier specified")
	_, err = f.c.GetTags(ctx, &apigatewayv2.GetTagsInput{ResourceArn: aws.String("arn:aws:iot:us-east-1:123456789012:thing/x")})
	wantError(t, err, "NotFoundException", "Invalid resource identifier specified")
}
