package testkit

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/iotemu/iotemu/jobs"
)

// CreateJob creates a SNAPSHOT job with the given document for things
// (by name), as CreateJob would, and fails tb on an error.
func (e *Emulator) CreateJob(tb testing.TB, jobID, document string, things ...string) {
	tb.Helper()
	targets := make([]string, len(things))
	for i, t := range things {
		targets[i] = e.srv.Registry().ThingARN(t)
	}
	if _, err := e.srv.Jobs().CreateJob(context.Background(), jobs.CreateJobInput{JobID: jobID, Targets: targets, Document: document}); err != nil {
		tb.Fatalf("testkit: create job %s: %v", jobID, err)
	}
}

// WaitJobExecution waits until the execution of jobID on thing has status
// (QUEUED, IN_PROGRESS, SUCCEEDED, FAILED...), the check a device test
// makes after the device code ran, and returns it.
func (e *Emulator) WaitJobExecution(tb testing.TB, jobID, thing, status string, timeout time.Duration) jobs.JobExecution {
	tb.Helper()
	var last jobs.JobExecution
	Eventually(tb, timeout, func() error {
		out, err := e.srv.Jobs().DescribeJobExecution(context.Background(), jobID, thing, 0)
		if err != nil {
			return fmt.Errorf("describe execution of %s on %s: %w", jobID, thing, err)
		}
		last = out.Execution
		if last.Status != status {
			return fmt.Errorf("execution of %s on %s is %s, want %s", jobID, thing, last.Status, status)
		}
		return nil
	})
	return last
}
