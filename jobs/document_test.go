package jobs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/jobs"
)

// fetcher is a fake DocumentFetcher.
type fetcher map[string]string

func (f fetcher) FetchDocument(_ context.Context, url string) ([]byte, error) {
	doc, ok := f[url]
	if !ok {
		return nil, errors.New("NoSuchKey")
	}
	return []byte(doc), nil
}

// presigner is a fake Presigner.
type presigner struct{}

func (presigner) Presign(_ context.Context, url, role string, expires time.Duration) (string, error) {
	return url + "?signed-by=" + role[strings.LastIndex(role, "/")+1:] + "&expires=" + expires.String(), nil
}

// TestDocumentSourceAndPresignedURL: documentSource is fetched once at
// creation; placeholders are substituted for devices only.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/create-manage-jobs.html#create-manage-jobs-presigned-URLs
func TestDocumentSourceAndPresignedURL(t *testing.T) {
	src := fetcher{"https://s3.amazonaws.com/b/doc.json": `{"url":"${aws:iot:s3-presigned-url:https://s3.amazonaws.com/b/fw.bin}"}`}
	e := newEnv(t, func(c *jobs.Config) { c.Fetcher, c.Presigner = src, presigner{} })
	ctx := context.Background()
	e.createJob(t, "job1", func(in *jobs.CreateJobInput) {
		in.Document, in.DocumentSource = "", "https://s3.amazonaws.com/b/doc.json"
		in.PresignedUrlConfig = &jobs.PresignedUrlConfig{RoleArn: "arn:aws:iam::123456789012:role/S3Read", ExpiresInSec: 60}
	}, "thing1")
	src["https://s3.amazonaws.com/b/doc.json"] = `{"changed":true}`
	d, _ := e.svc.DescribeJob(ctx, "job1")
	if d.DocumentSource != "https://s3.amazonaws.com/b/doc.json" {
		t.Errorf("documentSource %q", d.DocumentSource)
	}
	doc, _ := e.svc.GetJobDocument(ctx, "job1", false)
	if !strings.Contains(doc.Document, "${aws:iot:s3-presigned-url:") {
		t.Errorf("GetJobDocument substituted: %s", doc.Document)
	}
	got := e.pub.take()
	jsonEqual(t, "notify-next", only(t, got, "$aws/things/thing1/jobs/notify-next").Payload,
		`{"timestamp":1700000000,"execution":{"jobId":"job1","status":"QUEUED","queuedAt":1700000000,"lastUpdatedAt":1700000000,
		"versionNumber":1,"executionNumber":1,"jobDocument":{"url":"https://s3.amazonaws.com/b/fw.bin?signed-by=S3Read&expires=1m0s"}}}`)
	out, err := e.svc.DataPlane().DescribeJobExecution(ctx, jobs.DescribeJobExecutionInput{JobID: "job1", ThingName: "thing1"})
	if err != nil || out.Execution.JobDocument != `{"url":"https://s3.amazonaws.com/b/fw.bin?signed-by=S3Read&expires=1m0s"}` {
		t.Errorf("HTTP document %+v %v", out.Execution, err)
	}
	_, err = e.svc.CreateJob(ctx, jobs.CreateJobInput{JobID: "job2", Targets: []string{thingARN("thing1")}, DocumentSource: "https://s3.amazonaws.com/b/none"})
	if jobs.AsError(err).Code != jobs.InvalidRequest || !strings.Contains(err.Error(), "NoSuchKey") {
		t.Errorf("missing object: %v", err)
	}
}

// TestPlaceholderKeptWithoutPresigner: with no Presigner the placeholder
// reaches the device unchanged.
func TestPlaceholderKeptWithoutPresigner(t *testing.T) {
	e := newEnv(t)
	doc := `{"url":"${aws:iot:s3-presigned-url:https://s3.amazonaws.com/b/fw.bin}"}`
	e.createJob(t, "job1", func(in *jobs.CreateJobInput) {
		in.Document = doc
		in.PresignedUrlConfig = &jobs.PresignedUrlConfig{RoleArn: "arn:aws:iam::123456789012:role/r"}
	}, "thing1")
	got := e.mqtt(t, "thing1", "job1/get", `{}`)
	if !strings.Contains(only(t, got, "$aws/things/thing1/jobs/job1/get/accepted").Payload, `"jobDocument":`+doc) {
		t.Errorf("document changed: %v", got)
	}
}

// TestJobTemplates covers the template operations and CreateJob from a
// template with overrides.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/job-templates-cli.html#job-templates-cli-create-job
func TestJobTemplates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := jobs.CreateJobTemplateInput{JobTemplateID: "tpl", Description: "reboot template", Document: `{"op":"reboot"}`,
		TimeoutConfig: &jobs.TimeoutConfig{InProgressTimeoutInMinutes: 30}}
	out, err := e.svc.CreateJobTemplate(ctx, in)
	if err != nil || out.JobTemplateArn != "arn:aws:iot:us-east-1:123456789012:jobtemplate/tpl" {
		t.Fatalf("%+v %v", out, err)
	}
	if _, err := e.svc.CreateJobTemplate(ctx, in); !errors.Is(err, jobs.ErrConflict) || jobs.AsError(err).Status() != 409 {
		t.Errorf("duplicate: %v", err)
	}
	bad := in
	bad.JobTemplateID, bad.Description = "t2", ""
	if _, err := e.svc.CreateJobTemplate(ctx, bad); !errors.Is(err, jobs.ErrInvalidRequest) {
		t.Errorf("no description: %v", err)
	}
	bad.Description, bad.Document = "d", `{oops`
	if _, err := e.svc.CreateJobTemplate(ctx, bad); !errors.Is(err, jobs.ErrInvalidRequest) {
		t.Errorf("malformed document: %v", err)
	}
	_, err = e.svc.CreateJob(ctx, jobs.CreateJobInput{JobID: "j", Targets: []string{thingARN("thing1")}, JobTemplateArn: out.JobTemplateArn,
		TimeoutConfig: &jobs.TimeoutConfig{InProgressTimeoutInMinutes: 5}})
	if err != nil {
		t.Fatal(err)
	}
	j, _ := e.svc.DescribeJob(ctx, "j")
	doc, _ := e.svc.GetJobDocument(ctx, "j", false)
	if doc.Document != `{"op":"reboot"}` || j.Job.TimeoutConfig.InProgressTimeoutInMinutes != 5 || j.Job.JobTemplateArn != out.JobTemplateArn {
		t.Errorf("job from template: %+v %s", j.Job, doc.Document)
	}
	fromJob := jobs.CreateJobTemplateInput{JobTemplateID: "fromjob", Description: "copy", JobArn: j.Job.JobArn}
	if _, err := e.svc.CreateJobTemplate(ctx, fromJob); err != nil {
		t.Fatal(err)
	}
	d, _ := e.svc.DescribeJobTemplate(ctx, "fromjob")
	if d.Document != `{"op":"reboot"}` || d.TimeoutConfig.InProgressTimeoutInMinutes != 5 {
		t.Errorf("template from job: %+v", d)
	}
	l, _ := e.svc.ListJobTemplates(ctx, 0, "")
	if len(l.JobTemplates) != 2 || l.JobTemplates[0].JobTemplateID != "fromjob" {
		t.Errorf("list: %+v", l)
	}
	if err := e.svc.DeleteJobTemplate(ctx, "tpl"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.DescribeJobTemplate(ctx, "tpl"); !errors.Is(err, jobs.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
}

// TestDocumentParameters substitutes ${aws:iot:parameter:name} at creation;
// beforeSubstitution returns the original.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_GetJobDocument.html#iot-GetJobDocument-request-beforeSubstitution
func TestDocumentParameters(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.createJob(t, "job1", func(in *jobs.CreateJobInput) {
		in.Document = `{"cmd":"${aws:iot:parameter:command}"}`
		in.DocumentParameters = map[string]string{"command": "reboot"}
	}, "thing1")
	after, _ := e.svc.GetJobDocument(ctx, "job1", false)
	before, _ := e.svc.GetJobDocument(ctx, "job1", true)
	if after.Document != `{"cmd":"reboot"}` || before.Document != `{"cmd":"${aws:iot:parameter:command}"}` {
		t.Errorf("after %s before %s", after.Document, before.Document)
	}
}
