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

// CreateJobTemplate creates a job template with the given document, as
// CreateJobTemplate would, fails tb on an error, and returns its ARN (the
// jobTemplateArn of a CreateJob from it).
func (e *Emulator) CreateJobTemplate(tb testing.TB, templateID, description, document string) string {
	tb.Helper()
	out, err := e.srv.Jobs().CreateJobTemplate(context.Background(), jobs.CreateJobTemplateInput{
		JobTemplateID: templateID, Description: description, Document: document})
	if err != nil {
		tb.Fatalf("testkit: create job template %s: %v", templateID, err)
	}
	return out.JobTemplateArn
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
