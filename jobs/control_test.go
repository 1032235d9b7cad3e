package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/iotemu/iotemu/jobs"
)

// TestDescribeJobGolden checks DescribeJob's document after creation.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeJob.html#API_DescribeJob_ResponseSyntax
func TestDescribeJobGolden(t *testing.T) {
	e := newEnv(t)
	e.createJob(t, "job1", func(in *jobs.CreateJobInput) {
		in.Description = "My job"
		in.TimeoutConfig = &jobs.TimeoutConfig{InProgressTimeoutInMinutes: 60}
	}, "thing1", "thing2")
	out, err := e.svc.DescribeJob(context.Background(), "job1")
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, "DescribeJob", mustJSON(t, out), `{"job":{
		"jobArn":"arn:aws:iot:us-east-1:123456789012:job/job1","jobId":"job1","targetSelection":"SNAPSHOT",
		"status":"IN_PROGRESS","forceCanceled":false,
		"targets":["arn:aws:iot:us-east-1:123456789012:thing/thing1","arn:aws:iot:us-east-1:123456789012:thing/thing2"],
		"description":"My job","createdAt":1700000000,"lastUpdatedAt":1700000000,
		"jobProcessDetails":{"numberOfCanceledThings":0,"numberOfSucceededThings":0,"numberOfFailedThings":0,
			"numberOfRejectedThings":0,"numberOfQueuedThings":2,"numberOfInProgressThings":0,"numberOfRemovedThings":0,"numberOfTimedOutThings":0},
		"timeoutConfig":{"inProgressTimeoutInMinutes":60},"isConcurrent":false}}`)
	doc, _ := e.svc.GetJobDocument(context.Background(), "job1", false)
	if doc.Document != `{"operation":"job1"}` {
		t.Errorf("GetJobDocument: %q", doc.Document)
	}
}

// TestJobCompletesWithEvents: a SNAPSHOT job whose executions are all
// terminal is COMPLETED with completedAt and the completed event.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/events-jobs.html#events-jobs
func TestJobCompletesWithEvents(t *testing.T) {
	e := newEnv(t)
	e.createJob(t, "job1", nil, "thing1", "thing2")
	e.pub.take()
	e.clk.Advance(time.Second)
	e.mqtt(t, "thing1", "job1/update", `{"status":"SUCCEEDED","statusDetails":{"k":"v"}}`)
	got := e.mqtt(t, "thing2", "job1/update", `{"status":"FAILED"}`)
	jsonEqual(t, "execution event", only(t, got, "$aws/events/jobExecution/job1/failed").Payload,
		`{"eventType":"JOB_EXECUTION","eventId":"00000000-0000-0000-0000-000000000002","timestamp":1700000001,"operation":"failed",
		"jobId":"job1","thingArn":"arn:aws:iot:us-east-1:123456789012:thing/thing2","status":"FAILED"}`)
	jsonEqual(t, "job event", only(t, got, "$aws/events/job/job1/completed").Payload,
		`{"eventType":"JOB","eventId":"00000000-0000-0000-0000-000000000003","timestamp":1700000001,"operation":"completed",
		"jobId":"job1","status":"COMPLETED","targetSelection":"SNAPSHOT",
		"targets":["arn:aws:iot:us-east-1:123456789012:thing/thing1","arn:aws:iot:us-east-1:123456789012:thing/thing2"],
		"completedAt":1700000001000,"createdAt":1700000000000,"lastUpdatedAt":1700000001000,
		"jobProcessDetails":{"numberOfCanceledThings":0,"numberOfRejectedThings":0,"numberOfFailedThings":1,"numberOfRemovedThings":0,"numberOfSucceededThings":1}}`)
	out, _ := e.svc.DescribeJob(context.Background(), "job1")
	if out.Job.Status != jobs.JobCompleted || out.Job.CompletedAt.Unix() != epoch0+1 {
		t.Errorf("job: %+v", out.Job)
	}
}

// TestEventsDisabled: with events disabled nothing under $aws/events is sent.
func TestEventsDisabled(t *testing.T) {
	e := newEnv(t)
	e.events = map[string]bool{}
	e.createJob(t, "job1", nil, "thing1")
	got := e.mqtt(t, "thing1", "job1/update", `{"status":"SUCCEEDED"}`)
	if onlyEventsAny(got) {
		t.Errorf("events published while disabled: %v", topics(got))
	}
}

func onlyEventsAny(msgs []message) bool {
	for _, m := range msgs {
		if onlyEvents([]message{m}) {
			return true
		}
	}
	return false
}

// TestCancelJob: without force IN_PROGRESS executions continue, with force
// they are CANCELED and forceCanceled.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CancelJob.html#iot-CancelJob-request-force
func TestCancelJob(t *testing.T) {
	for _, force := range []bool{false, true} {
		e := newEnv(t)
		ctx := context.Background()
		e.createJob(t, "job1", nil, "thing1", "thing2")
		e.mqtt(t, "thing1", "start-next", `{}`)
		if _, err := e.svc.CancelJob(ctx, jobs.CancelJobInput{JobID: "job1", Force: force, ReasonCode: "FW_BUG", Comment: "bad"}); err != nil {
			t.Fatal(err)
		}
		got := e.pub.take()
		only(t, got, "$aws/events/job/job1/cancellation_in_progress")
		only(t, got, "$aws/events/job/job1/canceled")
		only(t, got, "$aws/things/thing2/jobs/notify")
		x1, _ := e.svc.DescribeJobExecution(ctx, "job1", "thing1", 0)
		x2, _ := e.svc.DescribeJobExecution(ctx, "job1", "thing2", 0)
		want1 := jobs.ExecInProgress
		if force {
			want1 = jobs.ExecCanceled
		}
		if x1.Execution.Status != want1 || x1.Execution.ForceCanceled != force || x2.Execution.Status != jobs.ExecCanceled {
			t.Errorf("force=%v: thing1 %+v thing2 %+v", force, x1.Execution, x2.Execution)
		}
		j, _ := e.svc.DescribeJob(ctx, "job1")
		if j.Job.Status != jobs.JobCanceled || j.Job.ForceCanceled != force || j.Job.ReasonCode != "FW_BUG" || j.Job.Comment != "bad" {
			t.Errorf("job: %+v", j.Job)
		}
		if !force {
			// The IN_PROGRESS execution may still finish.
			got := e.mqtt(t, "thing1", "job1/update", `{"status":"SUCCEEDED"}`)
			only(t, got, "$aws/things/thing1/jobs/job1/update/accepted")
		} else {
			got := e.mqtt(t, "thing1", "job1/update", `{"status":"SUCCEEDED"}`)
			only(t, got, "$aws/things/thing1/jobs/job1/update/rejected")
		}
		if _, err := e.svc.CancelJob(ctx, jobs.CancelJobInput{JobID: "job1"}); !errors.Is(err, jobs.ErrInvalidRequest) {
			t.Errorf("cancel twice: %v", err)
		}
	}
}

// TestDeleteJob: IN_PROGRESS needs force (409); deletion publishes its
// events and a notify to each affected thing, then the job is gone.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteJob.html#iot-DeleteJob-request-force
func TestDeleteJob(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.createJob(t, "job1", nil, "thing1")
	err := e.svc.DeleteJob(ctx, jobs.DeleteJobInput{JobID: "job1"})
	if !errors.Is(err, jobs.ErrInvalidStateTransition) || jobs.AsError(err).Status() != 409 {
		t.Fatalf("delete without force: %v", err)
	}
	e.pub.take()
	if err := e.svc.DeleteJob(ctx, jobs.DeleteJobInput{JobID: "job1", Force: true}); err != nil {
		t.Fatal(err)
	}
	got := e.pub.take()
	only(t, got, "$aws/events/job/job1/deletion_in_progress")
	only(t, got, "$aws/events/job/job1/deleted")
	only(t, got, "$aws/events/jobExecution/job1/deleted")
	jsonEqual(t, "notify", only(t, got, "$aws/things/thing1/jobs/notify").Payload, `{"timestamp":1700000000,"jobs":{}}`)
	if _, err := e.svc.DescribeJob(ctx, "job1"); !errors.Is(err, jobs.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
	e.createJob(t, "job1", nil, "thing1") // the id is free again
}

// TestListJobs checks filters, order and paging.
func TestListJobs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.targets.groups[groupARN("g1")] = []string{"thing3"}
	e.createJob(t, "a", nil, "thing1")
	e.createJob(t, "b", func(in *jobs.CreateJobInput) {
		in.Targets, in.TargetSelection = []string{groupARN("g1")}, jobs.TargetContinuous
	})
	e.createJob(t, "c", nil, "thing2")
	_, _ = e.svc.CancelJob(ctx, jobs.CancelJobInput{JobID: "c"})
	ids := func(in jobs.ListJobsInput) []string {
		out, err := e.svc.ListJobs(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, j := range out.Jobs {
			s = append(s, j.JobID)
		}
		return s
	}
	for name, tt := range map[string]struct {
		in   jobs.ListJobsInput
		want string
	}{
		"all newest first": {jobs.ListJobsInput{}, "[c b a]"},
		"status":           {jobs.ListJobsInput{Status: jobs.JobInProgress}, "[b a]"},
		"targetSelection":  {jobs.ListJobsInput{TargetSelection: jobs.TargetContinuous}, "[b]"},
		"thingGroupName":   {jobs.ListJobsInput{ThingGroupName: "g1"}, "[b]"},
		"combined":         {jobs.ListJobsInput{Status: jobs.JobCanceled, TargetSelection: jobs.TargetContinuous}, "[]"},
	} {
		if got := fmtList(ids(tt.in)); got != tt.want {
			t.Errorf("%s: got %s, want %s", name, got, tt.want)
		}
	}
	p1, _ := e.svc.ListJobs(ctx, jobs.ListJobsInput{MaxResults: 2})
	p2, _ := e.svc.ListJobs(ctx, jobs.ListJobsInput{MaxResults: 2, NextToken: p1.NextToken})
	if len(p1.Jobs) != 2 || p1.NextToken == "" || len(p2.Jobs) != 1 || p2.NextToken != "" || p2.Jobs[0].JobID != "a" {
		t.Errorf("paging: %+v %+v", p1, p2)
	}
	if _, err := e.svc.ListJobs(ctx, jobs.ListJobsInput{NextToken: "!!"}); !errors.Is(err, jobs.ErrInvalidRequest) {
		t.Errorf("bad token: %v", err)
	}
	if _, err := e.svc.ListJobs(ctx, jobs.ListJobsInput{MaxResults: 251}); !errors.Is(err, jobs.ErrInvalidRequest) {
		t.Errorf("maxResults: %v", err)
	}
}

func fmtList(s []string) string {
	out := "["
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out + "]"
}

// TestUpdateJob replaces the given members only.
func TestUpdateJob(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.createJob(t, "job1", func(in *jobs.CreateJobInput) { in.Description = "old" }, "thing1")
	desc := "new"
	e.clk.Advance(time.Second)
	if err := e.svc.UpdateJob(ctx, jobs.UpdateJobInput{JobID: "job1", Description: &desc,
		TimeoutConfig: &jobs.TimeoutConfig{InProgressTimeoutInMinutes: 5}}); err != nil {
		t.Fatal(err)
	}
	out, _ := e.svc.DescribeJob(ctx, "job1")
	if out.Job.Description != "new" || out.Job.TimeoutConfig.InProgressTimeoutInMinutes != 5 || out.Job.LastUpdatedAt.Unix() != epoch0+1 {
		t.Errorf("after update: %+v", out.Job)
	}
	bad := jobs.UpdateJobInput{JobID: "job1", AbortConfig: &jobs.AbortConfig{}}
	if err := e.svc.UpdateJob(ctx, bad); !errors.Is(err, jobs.ErrInvalidRequest) {
		t.Errorf("bad abortConfig: %v", err)
	}
}

// TestExecutionControlPlane covers the execution operations.
func TestExecutionControlPlane(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.createJob(t, "job1", nil, "thing1", "thing2")
	e.mqtt(t, "thing1", "start-next", `{"statusDetails":{"step":"1"}}`)
	x, err := e.svc.DescribeJobExecution(ctx, "job1", "thing1", 0)
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, "DescribeJobExecution", mustJSON(t, x), `{"execution":{"jobId":"job1","status":"IN_PROGRESS","forceCanceled":false,
		"statusDetails":{"detailsMap":{"step":"1"}},"thingArn":"arn:aws:iot:us-east-1:123456789012:thing/thing1",
		"queuedAt":1700000000,"startedAt":1700000000,"lastUpdatedAt":1700000000,"executionNumber":1,"versionNumber":2}}`)
	lj, _ := e.svc.ListJobExecutionsForJob(ctx, jobs.ListJobExecutionsForJobInput{JobID: "job1", Status: jobs.ExecQueued})
	jsonEqual(t, "ListJobExecutionsForJob", mustJSON(t, lj), `{"executionSummaries":[{"thingArn":"arn:aws:iot:us-east-1:123456789012:thing/thing2",
		"jobExecutionSummary":{"status":"QUEUED","queuedAt":1700000000,"lastUpdatedAt":1700000000,"executionNumber":1,"retryAttempt":0}}]}`)
	lt, _ := e.svc.ListJobExecutionsForThing(ctx, jobs.ListJobExecutionsForThingInput{ThingName: "thing1"})
	if len(lt.ExecutionSummaries) != 1 || lt.ExecutionSummaries[0].JobID != "job1" {
		t.Errorf("ListJobExecutionsForThing: %+v", lt)
	}
	cancel := jobs.CancelJobExecutionInput{JobID: "job1", ThingName: "thing1"}
	if err := e.svc.CancelJobExecution(ctx, cancel); !errors.Is(err, jobs.ErrInvalidStateTransition) {
		t.Errorf("cancel IN_PROGRESS without force: %v", err)
	}
	v := int64(1)
	cancel.Force, cancel.ExpectedVersion = true, &v
	if err := e.svc.CancelJobExecution(ctx, cancel); !errors.Is(err, jobs.ErrVersionConflict) {
		t.Errorf("stale expectedVersion: %v", err)
	}
	v = 2
	if err := e.svc.CancelJobExecution(ctx, cancel); err != nil {
		t.Fatal(err)
	}
	cancel.ExpectedVersion = nil
	if err := e.svc.CancelJobExecution(ctx, cancel); !errors.Is(err, jobs.ErrInvalidStateTransition) {
		t.Errorf("cancel terminal: %v", err)
	}
	del := jobs.DeleteJobExecutionInput{JobID: "job1", ThingName: "thing2", ExecutionNumber: 1}
	if err := e.svc.DeleteJobExecution(ctx, del); !errors.Is(err, jobs.ErrInvalidStateTransition) {
		t.Errorf("delete QUEUED without force: %v", err)
	}
	del.ExecutionNumber = 9
	if err := e.svc.DeleteJobExecution(ctx, del); !errors.Is(err, jobs.ErrNotFound) {
		t.Errorf("delete wrong number: %v", err)
	}
	del.ExecutionNumber, del.Force = 1, true
	if err := e.svc.DeleteJobExecution(ctx, del); err != nil {
		t.Fatal(err)
	}
	j, _ := e.svc.DescribeJob(ctx, "job1")
	if j.Job.Status != jobs.JobCompleted {
		t.Errorf("with thing1 canceled and thing2 deleted the job is %s", j.Job.Status)
	}
}
