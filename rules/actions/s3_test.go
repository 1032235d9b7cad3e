package actions_test

import (
	"context"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions"
)

// TestS3Peer: the s3 action writes the object to gofakes3 at the rendered
// key; a missing bucket fires the error action with S3Action and the
// bucket, as AWS's example. AWS: s3-rule-action.html; rule-error-handling.html.
func TestS3Peer(t *testing.T) {
	fake := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer fake.Close()
	client := s3.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("a", "b", "")},
		func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(fake.URL), true })
	ctx := context.Background()
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("telemetry")}); err != nil {
		t.Fatal(err)
	}
	env := newEnv(t, actions.Config{Endpoints: actions.Endpoints{Base: fake.URL}})
	rec, ep := run(t, env, "SELECT * FROM 'some/topic'", "s3", `{"roleArn":"r","bucketName":"telemetry","key":"${topic()}/${timestamp()}"}`,
		rules.Message{Topic: "some/topic", Payload: []byte(`{"v":1}`)})
	if rec.Err != nil || ep != nil {
		t.Fatalf("s3 failed: %v", rec.Err)
	}
	obj, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("telemetry"), Key: aws.String("some/topic/1767323045000")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(obj.Body)
	if string(b) != `{"v":1}` {
		t.Errorf("object = %s", b)
	}
	_, ep = run(t, env, "SELECT * FROM 'x'", "s3", `{"roleArn":"r","bucketName":"no-such-bucket","key":"k"}`,
		rules.Message{Topic: "x", Payload: []byte(`{}`)})
	checkFailure(t, ep, "S3Action", "no-such-bucket", "NoSuchBucket")
}
