package jobs_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/iotemu/iotemu/jobs"
)

// TestConcurrentUse runs devices, the control plane and Tick in parallel
// (meaningful under -race) and checks every job completes.
func TestConcurrentUse(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const devices, perDevice = 8, 5
	for d := range devices {
		e.targets.things[fmt.Sprintf("d%d", d)] = true
	}
	var wg sync.WaitGroup
	for d := range devices {
		wg.Go(func() {
			thing := fmt.Sprintf("d%d", d)
			for i := range perDevice {
				id := fmt.Sprintf("%s-j%d", thing, i)
				if _, err := e.svc.CreateJob(ctx, jobs.CreateJobInput{JobID: id, Targets: []string{thingARN(thing)}, Document: `{}`}); err != nil {
					t.Error(err)
					return
				}
				_ = e.svc.HandleMQTT(ctx, thing, "$aws/things/"+thing+"/jobs/start-next", nil)
				_ = e.svc.HandleMQTT(ctx, thing, "$aws/things/"+thing+"/jobs/"+id+"/update", []byte(`{"status":"SUCCEEDED"}`))
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			_ = e.svc.Tick(ctx)
			_, _ = e.svc.ListJobs(ctx, jobs.ListJobsInput{})
			e.pub.take()
		}
	})
	wg.Wait()
	out, err := e.svc.ListJobs(ctx, jobs.ListJobsInput{Status: jobs.JobCompleted})
	if err != nil || len(out.Jobs) != devices*perDevice {
		t.Fatalf("%d completed jobs, want %d (%v)", len(out.Jobs), devices*perDevice, err)
	}
}
