package jobs_test

import (
	"context"
	"testing"

	"github.com/iotemu/iotemu/jobs"
)

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
	_ = e.svc.ThingRemovedFromGroup(ctx, "thing1", g)
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

// TestRemovedFromOneOfTwoGroups: a thing still in another target group
// keeps its execution.
func TestRemovedFromOneOfTwoGroups(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	g1, g2 := groupARN("g1"), groupARN("g2")
	e.targets.groups[g1] = []string{"thing1"}
	e.targets.groups[g2] = []string{"thing1"}
	e.createJob(t, "cont", func(in *jobs.CreateJobInput) {
		in.Targets, in.TargetSelection = []string{g1, g2}, jobs.TargetContinuous
	})
	e.targets.groups[g1] = nil
	_ = e.svc.ThingRemovedFromGroup(ctx, "thing1", g1)
	if x, _ := e.svc.DescribeJobExecution(ctx, "cont", "thing1", 0); x.Execution.Status != jobs.ExecQueued {
		t.Fatalf("still in g2, got %s", x.Execution.Status)
	}
	e.targets.groups[g2] = nil
	_ = e.svc.ThingRemovedFromGroup(ctx, "thing1", g2)
	if x, _ := e.svc.DescribeJobExecution(ctx, "cont", "thing1", 0); x.Execution.Status != jobs.ExecRemoved {
		t.Fatalf("in no target group, got %s", x.Execution.Status)
	}
}
