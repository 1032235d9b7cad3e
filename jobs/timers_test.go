package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/iotemu/iotemu/jobs"
)

// TestTimeouts checks the in-progress and step timers on the fake clock.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-timeout-timers-works
func TestTimeouts(t *testing.T) {
	tests := []struct {
		name      string
		timeout   int64  // job in-progress timeout, minutes
		start     string // start-next payload
		update    string // optional IN_PROGRESS update after 1 minute
		survive   time.Duration
		expire    time.Duration
		wantAhead int64 // approximateSecondsBeforeTimedOut right after start
	}{
		{"in-progress timer", 10, `{}`, "", 9 * time.Minute, 10 * time.Minute, 600},
		{"step timer without job timeout", 0, `{"stepTimeoutInMinutes":3}`, "", 2 * time.Minute, 3 * time.Minute, 180},
		{"step timer capped by in-progress", 5, `{"stepTimeoutInMinutes":60}`, "", 4 * time.Minute, 5 * time.Minute, 300},
		{"step timer replaced", 0, `{"stepTimeoutInMinutes":2}`, `{"status":"IN_PROGRESS","stepTimeoutInMinutes":5}`, 5 * time.Minute, 6 * time.Minute, 120},
		{"step timer canceled", 0, `{"stepTimeoutInMinutes":2}`, `{"status":"IN_PROGRESS","stepTimeoutInMinutes":-1}`, 100 * time.Hour, 0, 120},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			e.createJob(t, "job1", func(in *jobs.CreateJobInput) {
				if tt.timeout > 0 {
					in.TimeoutConfig = &jobs.TimeoutConfig{InProgressTimeoutInMinutes: tt.timeout}
				}
			}, "thing1")
			e.mqtt(t, "thing1", "start-next", tt.start)
			x, _ := e.svc.DescribeJobExecution(ctx, "job1", "thing1", 0)
			if x.Execution.ApproximateSecondsBeforeTimedOut != tt.wantAhead {
				t.Errorf("approximateSecondsBeforeTimedOut %d, want %d", x.Execution.ApproximateSecondsBeforeTimedOut, tt.wantAhead)
			}
			if tt.update != "" {
				e.clk.Advance(time.Minute)
				e.mqtt(t, "thing1", "job1/update", tt.update)
				e.clk.Advance(-time.Minute)
			}
			e.clk.Advance(tt.survive)
			_ = e.svc.Tick(ctx)
			if x, _ := e.svc.DescribeJobExecution(ctx, "job1", "thing1", 0); x.Execution.Status != jobs.ExecInProgress {
				t.Fatalf("after %v: %s", tt.survive, x.Execution.Status)
			}
			if tt.expire == 0 {
				return
			}
			e.pub.take()
			e.clk.Advance(tt.expire - tt.survive)
			_ = e.svc.Tick(ctx)
			x, _ = e.svc.DescribeJobExecution(ctx, "job1", "thing1", 0)
			if x.Execution.Status != jobs.ExecTimedOut || x.Execution.ApproximateSecondsBeforeTimedOut != 0 {
				t.Fatalf("after %v: %+v", tt.expire, x.Execution)
			}
			got := e.pub.take()
			only(t, got, "$aws/things/thing1/jobs/notify")
			only(t, got, "$aws/events/jobExecution/job1/timed_out")
			only(t, got, "$aws/events/job/job1/completed")
		})
	}
}

// TestNextWakeup names the earliest deadline.
func TestNextWakeup(t *testing.T) {
	e := newEnv(t)
	if _, ok := e.svc.NextWakeup(); ok {
		t.Fatal("no timers yet")
	}
	e.createJob(t, "job1", nil, "thing1")
	e.mqtt(t, "thing1", "start-next", `{"stepTimeoutInMinutes":7}`)
	at, ok := e.svc.NextWakeup()
	if !ok || !at.Equal(time.Unix(epoch0, 0).Add(7*time.Minute)) {
		t.Errorf("NextWakeup %v %v", at, ok)
	}
}

// TestRetryAfterTimeout: a TIMED_OUT execution with a retry criterion is
// queued again with the next executionNumber and retryAttempt 1.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-retry-configuration
func TestRetryAfterTimeout(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.createJob(t, "job1", func(in *jobs.CreateJobInput) {
		in.TimeoutConfig = &jobs.TimeoutConfig{InProgressTimeoutInMinutes: 1}
		in.JobExecutionsRetryConfig = &jobs.JobExecutionsRetryConfig{CriteriaList: []jobs.RetryCriteria{{FailureType: "TIMED_OUT", NumberOfRetries: 1}}}
	}, "thing1")
	for range 2 {
		e.mqtt(t, "thing1", "start-next", `{}`)
		e.clk.Advance(time.Minute)
		_ = e.svc.Tick(ctx)
	}
	lj, _ := e.svc.ListJobExecutionsForJob(ctx, jobs.ListJobExecutionsForJobInput{JobID: "job1"})
	s := lj.ExecutionSummaries[0].JobExecutionSummary
	if s.Status != jobs.ExecTimedOut || s.ExecutionNumber != 2 || s.RetryAttempt != 1 {
		t.Errorf("latest execution: %+v", s)
	}
	j, _ := e.svc.DescribeJob(ctx, "job1")
	if j.Job.Status != jobs.JobCompleted {
		t.Errorf("retries exhausted, job %s", j.Job.Status)
	}
}

// TestScheduledJob starts at schedulingConfig.startTime.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_SchedulingConfig.html#iot-Type-SchedulingConfig-startTime
func TestScheduledJob(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	start := time.Unix(epoch0, 0).UTC().Add(time.Hour).Format("2006-01-02T15:04")
	e.createJob(t, "job1", func(in *jobs.CreateJobInput) { in.SchedulingConfig = &jobs.SchedulingConfig{StartTime: start} }, "thing1")
	if got := e.pub.take(); len(got) != 0 {
		t.Fatalf("a scheduled job notified %v", topics(got))
	}
	j, _ := e.svc.DescribeJob(ctx, "job1")
	if j.Job.Status != jobs.JobScheduled {
		t.Fatalf("status %s", j.Job.Status)
	}
	e.clk.Advance(time.Hour)
	_ = e.svc.Tick(ctx)
	only(t, e.pub.take(), "$aws/things/thing1/jobs/notify-next")
	j, _ = e.svc.DescribeJob(ctx, "job1")
	if j.Job.Status != jobs.JobInProgress {
		t.Fatalf("status %s", j.Job.Status)
	}
}
