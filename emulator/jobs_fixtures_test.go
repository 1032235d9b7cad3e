package emulator_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/testkit"
)

// TestJobFixtures: a fixtures file's job template and a job created from
// it (as the CreateJobTemplate and CreateJob requests) exist at start; the
// job's execution is queued for its thing and read back with the SDK.
func TestJobFixtures(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "jobs.yaml")
	const file = `things:
  - name: fw-thing
jobTemplates:
  - jobTemplateId: firmware
    description: firmware update
    document: '{"operation":"update","version":"2.0"}'
    timeoutConfig: {inProgressTimeoutInMinutes: 10}
jobs:
  - jobId: fw-2-0
    targets: ["arn:aws:iot:us-east-1:123456789012:thing/fw-thing"]
    jobTemplateArn: arn:aws:iot:us-east-1:123456789012:jobtemplate/firmware
`
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	emu := testkit.Start(t, testkit.WithFixtures(path))
	c, ctx := iotClient(emu), context.Background()
	tpl, err := c.DescribeJobTemplate(ctx, &iot.DescribeJobTemplateInput{JobTemplateId: aws.String("firmware")})
	if err != nil || aws.ToString(tpl.Description) != "firmware update" {
		t.Fatalf("template: %+v %v", tpl, err)
	}
	doc, err := c.GetJobDocument(ctx, &iot.GetJobDocumentInput{JobId: aws.String("fw-2-0")})
	if err != nil || aws.ToString(doc.Document) != `{"operation":"update","version":"2.0"}` {
		t.Fatalf("job document: %+v %v", doc, err)
	}
	ex, err := c.DescribeJobExecution(ctx, &iot.DescribeJobExecutionInput{JobId: aws.String("fw-2-0"), ThingName: aws.String("fw-thing")})
	if err != nil || string(ex.Execution.Status) != "QUEUED" {
		t.Fatalf("execution: %+v %v", ex, err)
	}
}

// TestJobFixturesErrors: invalid job and template entries are each
// reported with their index and id: a missing id (by the file's own
// check), an unknown member, and the jobs service's validation.
func TestJobFixturesErrors(t *testing.T) {
	t.Parallel()
	if _, err := fixtures.Parse(strings.NewReader("jobs:\n  - targets: []\n")); err == nil || !strings.Contains(err.Error(), "jobs[0]: jobId is required") {
		t.Errorf("Parse without jobId: %v", err)
	}
	srv, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Close(context.Background()) }()
	err = srv.Apply(context.Background(), &fixtures.Set{
		JobTemplates: []json.RawMessage{[]byte(`{"jobTemplateId":"t","description":"d","documnet":"{}"}`)},
		Jobs: []json.RawMessage{
			[]byte(`{"jobId":"no-targets","document":"{}"}`),
			[]byte(`{"jobId":"bad-doc","targets":["arn:aws:iot:us-east-1:123456789012:thing/x"],"document":"not json"}`),
		},
	})
	for _, want := range []string{`jobTemplates[0] (t)`, `unknown field "documnet"`, "jobs[0] (no-targets)", "jobs[1] (bad-doc)"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Apply: got %v, want it to mention %q", err, want)
		}
	}
}

// TestTestkitJobTemplate: testkit's CreateJobTemplate gives the ARN a
// CreateJob from the template names; the job gets the template's document.
func TestTestkitJobTemplate(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithThing("tpl-thing", nil))
	arn := emu.CreateJobTemplate(t, "ota", "over the air", `{"op":"ota"}`)
	c, ctx := iotClient(emu), context.Background()
	if _, err := c.CreateJob(ctx, &iot.CreateJobInput{JobId: aws.String("ota-1"), JobTemplateArn: aws.String(arn),
		Targets: []string{emu.Server().Registry().ThingARN("tpl-thing")}}); err != nil {
		t.Fatal(err)
	}
	if ex := emu.WaitJobExecution(t, "ota-1", "tpl-thing", "QUEUED", wait); ex.JobID != "ota-1" {
		t.Fatalf("execution %+v", ex)
	}
	doc, err := c.GetJobDocument(ctx, &iot.GetJobDocumentInput{JobId: aws.String("ota-1")})
	if err != nil || aws.ToString(doc.Document) != `{"op":"ota"}` {
		t.Fatalf("document %+v %v", doc, err)
	}
}
