package jobs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/iotemu/iotemu/jobs"
)

// TestDataPlane drives the iot-jobs-data API: same state as MQTT, the
// document a string, thingName present.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-http-device-api.html#jobs-http-device-api
func TestDataPlane(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := e.svc.DataPlane()
	e.createJob(t, "job1", nil, "thing1")
	e.createJob(t, "job2", nil, "thing1")
	p, _ := d.GetPendingJobExecutions(ctx, "thing1")
	if len(p.InProgressJobs) != 0 || len(p.QueuedJobs) != 2 {
		t.Fatalf("pending %+v", p)
	}
	step := int64(5)
	s, err := d.StartNextPendingJobExecution(ctx, jobs.StartNextPendingJobExecutionInput{ThingName: "thing1",
		StatusDetails: map[string]string{"step": "download"}, StepTimeoutInMinutes: &step})
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, "StartNext", mustJSON(t, s), `{"execution":{"jobId":"job1","thingName":"thing1","status":"IN_PROGRESS",
		"statusDetails":{"step":"download"},"queuedAt":1700000000,"startedAt":1700000000,"lastUpdatedAt":1700000000,
		"approximateSecondsBeforeTimedOut":300,"versionNumber":2,"executionNumber":1,"jobDocument":"{\"operation\":\"job1\"}"}}`)
	v := int64(2)
	u, err := d.UpdateJobExecution(ctx, jobs.UpdateJobExecutionInput{JobID: "job1", ThingName: "thing1", Status: "SUCCEEDED",
		ExpectedVersion: &v, IncludeJobExecutionState: true, IncludeJobDocument: true})
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, "Update", mustJSON(t, u), `{"executionState":{"status":"SUCCEEDED","statusDetails":{"step":"download"},"versionNumber":3},"jobDocument":"{\"operation\":\"job1\"}"}`)
	_, err = d.UpdateJobExecution(ctx, jobs.UpdateJobExecutionInput{JobID: "job1", ThingName: "thing1", Status: "FAILED"})
	if !errors.Is(err, jobs.ErrInvalidStateTransition) || jobs.AsError(err).Status() != 409 {
		t.Errorf("update terminal: %v", err)
	}
	_, err = d.UpdateJobExecution(ctx, jobs.UpdateJobExecutionInput{JobID: "job2", ThingName: "thing1", Status: "IN_PROGRESS", ExpectedVersion: &v})
	if !errors.Is(err, jobs.ErrVersionMismatch) || jobs.AsError(err).Status() != 409 {
		t.Errorf("stale version: %v", err)
	}
	_, err = d.DescribeJobExecution(ctx, jobs.DescribeJobExecutionInput{JobID: "job1", ThingName: "thing1"})
	if !errors.Is(err, jobs.ErrTerminalState) || jobs.AsError(err).Status() != 410 {
		t.Errorf("describe terminal: %v", err)
	}
	no := false
	next, _ := d.DescribeJobExecution(ctx, jobs.DescribeJobExecutionInput{JobID: "$next", ThingName: "thing1", IncludeJobDocument: &no})
	if next.Execution == nil || next.Execution.JobID != "job2" || next.Execution.JobDocument != "" {
		t.Errorf("$next: %+v", next.Execution)
	}
	none, _ := d.StartNextPendingJobExecution(ctx, jobs.StartNextPendingJobExecutionInput{ThingName: "other"})
	if mustJSON(t, none) != `{}` {
		t.Errorf("nothing pending: %s", mustJSON(t, none))
	}
	if _, err := d.GetPendingJobExecutions(ctx, "bad/name"); !errors.Is(err, jobs.ErrInvalidRequest) {
		t.Errorf("bad thing name: %v", err)
	}
}

// TestNotifyRules checks when notify and notify-next are published.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-comm-notifications.html#jobs-comm-notifications-types
func TestNotifyRules(t *testing.T) {
	e := newEnv(t)
	e.createJob(t, "job1", nil, "thing1")
	only(t, e.pub.take(), "$aws/things/thing1/jobs/notify-next")
	e.createJob(t, "job2", nil, "thing1")
	got := e.pub.take()
	if len(got) != 1 || got[0].Topic != "$aws/things/thing1/jobs/notify" {
		t.Fatalf("second job: want only notify, got %v", topics(got))
	}
	got = e.mqtt(t, "thing1", "start-next", `{}`)
	if len(got) != 1 {
		t.Errorf("start-next of the head: want only the reply, got %v", topics(got))
	}
	got = e.mqtt(t, "thing1", "start-next", `{"statusDetails":{"x":"y"}}`)
	jsonEqual(t, "start-next twice", got[0].Payload, `{"timestamp":1700000000,"execution":{"jobId":"job1","status":"IN_PROGRESS",
		"queuedAt":1700000000,"startedAt":1700000000,"lastUpdatedAt":1700000000,"versionNumber":2,"executionNumber":1,"jobDocument":{"operation":"job1"}}}`)
	// job1 back to second place is impossible; make job2 the head by
	// rejecting job1: notify (set changed) and notify-next (head changed).
	got = e.mqtt(t, "thing1", "job1/update", `{"status":"REJECTED","includeJobExecutionState":true,"includeJobDocument":true}`)
	jsonEqual(t, "update with includes", got[0].Payload, `{"timestamp":1700000000,"executionState":{"status":"REJECTED","versionNumber":3},"jobDocument":{"operation":"job1"}}`)
	only(t, got, "$aws/things/thing1/jobs/notify")
	only(t, got, "$aws/things/thing1/jobs/notify-next")
	// Only the requester gets replies: another thing's client sees nothing.
	e.createJob(t, "job3", nil, "thing2")
	e.pub.take()
	for _, m := range e.mqtt(t, "thing1", "get", `{}`) {
		if m.Client != "c-thing1" {
			t.Errorf("reply to %q", m.Client)
		}
	}
}

// TestNotifyListsAtMostTen: jobs/notify lists at most 10 executions.
func TestNotifyListsAtMostTen(t *testing.T) {
	e := newEnv(t)
	for i := range 11 {
		e.createJob(t, "job"+string(rune('a'+i)), nil, "thing1")
	}
	var last message
	for _, m := range e.pub.take() {
		if m.Topic == "$aws/things/thing1/jobs/notify" {
			last = m
		}
	}
	var doc struct {
		Jobs map[string][]any `json:"jobs"`
	}
	if err := jsonUnmarshal(last.Payload, &doc); err != nil || len(doc.Jobs["QUEUED"]) != 10 {
		t.Errorf("notify lists %d (%v)", len(doc.Jobs["QUEUED"]), err)
	}
}
