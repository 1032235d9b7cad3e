package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/iotemu/iotemu/jobs"
)

// fleet adds n things t0..t{n-1} to group g and returns the group ARN.
func fleet(e *env, n int) string {
	g := groupARN("fleet")
	var names []string
	for i := range n {
		name := fmt.Sprintf("t%d", i)
		e.targets.things[name] = true
		names = append(names, name)
	}
	e.targets.groups[g] = names
	return g
}

func queued(t *testing.T, e *env, id string) int {
	t.Helper()
	j, err := e.svc.DescribeJob(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	d := j.Job.JobProcessDetails
	return d.NumberOfQueuedThings + d.NumberOfInProgressThings + d.NumberOfSucceededThings
}

// TestRolloutMaximumPerMinute queues at most maximumPerMinute things per
// minute of the fake clock, isConcurrent while rolling out.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-rollout-using
func TestRolloutMaximumPerMinute(t *testing.T) {
	e := newEnv(t)
	g := fleet(e, 5)
	e.createJob(t, "job1", func(in *jobs.CreateJobInput) {
		in.Targets = []string{g}
		in.JobExecutionsRolloutConfig = &jobs.JobExecutionsRolloutConfig{MaximumPerMinute: 2}
	})
	ctx := context.Background()
	for i, want := range []int{2, 2, 4, 4, 5} {
		if got := queued(t, e, "job1"); got != want {
			t.Fatalf("step %d: %d queued, want %d", i, got, want)
		}
		e.clk.Advance(30 * time.Second)
		_ = e.svc.Tick(ctx)
	}
	j, _ := e.svc.DescribeJob(ctx, "job1")
	if j.Job.IsConcurrent || j.Job.JobProcessDetails.ProcessingTargets != nil {
		t.Errorf("rollout done: %+v", j.Job)
	}
}

// TestRolloutExponential multiplies the rate when the criterion is met.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ExponentialRolloutRate.html#API_ExponentialRolloutRate_Contents
func TestRolloutExponential(t *testing.T) {
	e := newEnv(t)
	g := fleet(e, 20)
	e.createJob(t, "job1", func(in *jobs.CreateJobInput) {
		in.Targets = []string{g}
		in.JobExecutionsRolloutConfig = &jobs.JobExecutionsRolloutConfig{ExponentialRate: &jobs.ExponentialRate{
			BaseRatePerMinute: 2, IncrementFactor: 2, RateIncreaseCriteria: jobs.RateIncreaseCriteria{NumberOfNotifiedThings: 2}}}
	})
	ctx := context.Background()
	// minute 0: 2 (rate→4 after 2 notified); minute 1: 4 more (rate 8 then 16)
	if got := queued(t, e, "job1"); got != 2 {
		t.Fatalf("minute 0: %d", got)
	}
	j, _ := e.svc.DescribeJob(ctx, "job1")
	if !j.Job.IsConcurrent || len(j.Job.JobProcessDetails.ProcessingTargets) != 1 {
		t.Errorf("rolling out: %+v", j.Job)
	}
	e.clk.Advance(time.Minute)
	_ = e.svc.Tick(ctx)
	if got := queued(t, e, "job1"); got != 6 {
		t.Fatalf("minute 1: %d", got)
	}
	e.clk.Advance(time.Minute)
	_ = e.svc.Tick(ctx)
	if got := queued(t, e, "job1"); got <= 6 {
		t.Fatalf("minute 2: %d, want faster", got)
	}
}

// TestAbort cancels the job when the failure threshold is reached; the
// IN_PROGRESS executions continue.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-abort-using
func TestAbort(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.createJob(t, "job1", func(in *jobs.CreateJobInput) {
		in.AbortConfig = &jobs.AbortConfig{CriteriaList: []jobs.AbortCriteria{{FailureType: "FAILED", Action: "CANCEL", ThresholdPercentage: 30, MinNumberOfExecutedThings: 3}}}
	}, "thing1", "thing2", "thing3")
	e.mqtt(t, "thing2", "start-next", `{}`)
	e.mqtt(t, "thing1", "job1/update", `{"status":"FAILED"}`)
	j, _ := e.svc.DescribeJob(ctx, "job1")
	if j.Job.Status != jobs.JobCanceled {
		t.Fatalf("1 of 3 failed (33%%): job %s", j.Job.Status)
	}
	d := j.Job.JobProcessDetails
	if d.NumberOfFailedThings != 1 || d.NumberOfInProgressThings != 1 || d.NumberOfCanceledThings != 1 {
		t.Errorf("counts: %+v", d)
	}
}

// TestContinuousGroupMembership: a thing that joins a target group later
// gets an execution and a notify; one that leaves gets REMOVED.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-rollout-dynamic-groups
func TestContinuousGroupMembership(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	g := groupARN("g1")
	e.targets.groups[g] = []string{"thing1"}
	e.createJob(t, "cont", func(in *jobs.CreateJobInput) { in.Targets, in.TargetSelection = []string{g}, jobs.TargetContinuous })
	e.createJob(t, "snap", func(in *jobs.CreateJobInput) { in.Targets = []string{g} })
	e.pub.take()
	_ = e.svc.ThingAddedToGroup(ctx, "thing2", g)
	got := e.pub.take()
	only(t, got, "$aws/things/thing2/jobs/notify")
	only(t, got, "$aws/things/thing2/jobs/notify-next")
	if lt, _ := e.svc.ListJobExecutionsForThing(ctx, jobs.ListJobExecutionsForThingInput{ThingName: "thing2"}); len(lt.ExecutionSummaries) != 1 || lt.ExecutionSummaries[0].JobID != "cont" {
		t.Fatalf("thing2 executions: %+v", lt)
	}
	_ = e.svc.ThingAddedToGroup(ctx, "thing2", g) // again: nothing new
	if got := e.pub.take(); len(got) != 0 {
		t.Errorf("re-adding published %v", topics(got))
	}
	_ = e.svc.ThingRemovedFromGroup(ctx, "thing1", g, nil)
	got = e.pub.take()
	only(t, got, "$aws/events/jobExecution/cont/removed")
	x, _ := e.svc.DescribeJobExecution(ctx, "cont", "thing1", 0)
	s, _ := e.svc.DescribeJobExecution(ctx, "snap", "thing1", 0)
	if x.Execution.Status != jobs.ExecRemoved || s.Execution.Status != jobs.ExecQueued {
		t.Errorf("after removal: cont %s snap %s", x.Execution.Status, s.Execution.Status)
	}
	_ = e.svc.ThingAddedToGroup(ctx, "thing1", g) // re-join after REMOVED: new execution
	x, _ = e.svc.DescribeJobExecution(ctx, "cont", "thing1", 0)
	if x.Execution.Status != jobs.ExecQueued || x.Execution.ExecutionNumber != 2 {
		t.Errorf("re-joined: %+v", x.Execution)
	}
	j, _ := e.svc.DescribeJob(ctx, "cont")
	if j.Job.Status != jobs.JobInProgress {
		t.Errorf("a CONTINUOUS job never completes: %s", j.Job.Status)
	}
	_ = e.svc.ThingDeleted(ctx, "thing1")
	s, _ = e.svc.DescribeJobExecution(ctx, "snap", "thing1", 0)
	if s.Execution.Status != jobs.ExecRemoved {
		t.Errorf("deleted thing: snap %s", s.Execution.Status)
	}
}

// TestAssociateTargetsWithJob adds targets to a CONTINUOUS job only.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_AssociateTargetsWithJob.html
func TestAssociateTargetsWithJob(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.createJob(t, "cont", func(in *jobs.CreateJobInput) { in.TargetSelection = jobs.TargetContinuous }, "thing1")
	e.createJob(t, "snap", nil, "thing1")
	out, err := e.svc.AssociateTargetsWithJob(ctx, jobs.AssociateTargetsWithJobInput{JobID: "cont", Targets: []string{thingARN("thing2")}, Comment: "more"})
	if err != nil || out.JobArn != "arn:aws:iot:us-east-1:123456789012:job/cont" {
		t.Fatalf("%+v %v", out, err)
	}
	j, _ := e.svc.DescribeJob(ctx, "cont")
	if len(j.Job.Targets) != 2 || j.Job.JobProcessDetails.NumberOfQueuedThings != 2 {
		t.Errorf("after associate: %+v", j.Job)
	}
	if _, err := e.svc.AssociateTargetsWithJob(ctx, jobs.AssociateTargetsWithJobInput{JobID: "snap", Targets: []string{thingARN("thing2")}}); jobs.AsError(err).Code != jobs.InvalidRequest {
		t.Errorf("SNAPSHOT: %v", err)
	}
}
