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
