package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/iotemu/iotemu/jobs"
)

// TestGroupTargetsDeduplicated: groups are expanded through Targets and a
// thing in several targets gets one execution (UNCONFIRMED U9).
func TestGroupTargetsDeduplicated(t *testing.T) {
	e := newEnv(t)
	e.targets.groups[groupARN("a")] = []string{"thing1", "thing2"}
	e.targets.groups[groupARN("b")] = []string{"thing2", "thing3"}
	e.createJob(t, "job1", func(in *jobs.CreateJobInput) {
		in.Targets = []string{groupARN("a"), groupARN("b"), thingARN("thing1")}
	})
	out, _ := e.svc.ListJobExecutionsForJob(context.Background(), jobs.ListJobExecutionsForJobInput{JobID: "job1"})
	if len(out.ExecutionSummaries) != 3 {
		t.Fatalf("executions: %+v", out)
	}
}

// TestEmptyGroupSnapshotCompletes: a SNAPSHOT job with no things is
// COMPLETED at once.
func TestEmptyGroupSnapshotCompletes(t *testing.T) {
	e := newEnv(t)
	e.targets.groups[groupARN("empty")] = nil
	e.createJob(t, "job1", func(in *jobs.CreateJobInput) { in.Targets = []string{groupARN("empty")} })
	j, _ := e.svc.DescribeJob(context.Background(), "job1")
	if j.Job.Status != jobs.JobCompleted {
		t.Errorf("status %s", j.Job.Status)
	}
}

// failingPresigner always fails.
type failingPresigner struct{}

func (failingPresigner) Presign(context.Context, string, string, time.Duration) (string, error) {
	return "", errors.New("no credentials")
}

// TestPresignerFailure: a failing Presigner makes the HTTP call fail with
// InternalFailureException and keeps the state change.
func TestPresignerFailure(t *testing.T) {
	e := newEnv(t, func(c *jobs.Config) { c.Presigner = failingPresigner{} })
	e.createJob(t, "job1", func(in *jobs.CreateJobInput) {
		in.Document = `{"u":"${aws:iot:s3-presigned-url-v2:https://s3.amazonaws.com/b/k}"}`
		in.PresignedUrlConfig = &jobs.PresignedUrlConfig{RoleArn: "arn:aws:iam::123456789012:role/r"}
	}, "thing1")
	_, err := e.svc.DataPlane().DescribeJobExecution(context.Background(), jobs.DescribeJobExecutionInput{JobID: "job1", ThingName: "thing1"})
	if jobs.AsError(err).Code != jobs.InternalFailure {
		t.Errorf("got %v", err)
	}
}

// TestTimestampJSON round-trips control-plane timestamps.
func TestTimestampJSON(t *testing.T) {
	var ts jobs.Timestamp
	if err := json.Unmarshal([]byte(`1549395301.389`), &ts); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(ts)
	if string(b) != "1549395301.389" {
		t.Errorf("round trip: %s", b)
	}
	if json.Unmarshal([]byte(`"x"`), &ts) == nil {
		t.Error("want an error for a string")
	}
}

// TestStringBooleans: includeJobDocument may be sent as a string.
func TestStringBooleans(t *testing.T) {
	e := newEnv(t)
	e.createJob(t, "job1", nil, "thing1")
	e.pub.take()
	got := e.mqtt(t, "thing1", "job1/get", `{"includeJobDocument":"false"}`)
	jsonEqual(t, "get", got[0].Payload, `{"timestamp":1700000000,"execution":{"jobId":"job1","status":"QUEUED","queuedAt":1700000000,"lastUpdatedAt":1700000000,"versionNumber":1,"executionNumber":1}}`)
	got = e.mqtt(t, "thing1", "job1/get", `{"includeJobDocument":"maybe"}`)
	only(t, got, "$aws/things/thing1/jobs/job1/get/rejected")
}
