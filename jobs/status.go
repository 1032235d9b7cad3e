package jobs

import (
	"strings"
	"time"
)

// setStatus changes an execution's status. A terminal status stops its
// timers, publishes the jobExecution event and, when the retry
// configuration allows, queues a retry. The caller bumps versionNumber.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-jobs-lifecycle.html#iot-job-execution-states
func (s *Service) setStatus(j *job, e *execution, status string, b *batch) {
	b.touch(e.thing)
	e.status = status
	e.lastUpdatedAt = b.now
	if !terminal(status) {
		return
	}
	e.inProgressDeadline, e.stepDeadline = time.Time{}, time.Time{}
	s.execEvent(j, e, strings.ToLower(status), b)
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-retry-configuration
	if j.status == JobInProgress && e.retryAttempt < retriesAllowed(j, status) {
		s.addExecution(j, e.thing, b.now, e.retryAttempt+1)
	}
}

// settle derives the job status from its executions after a change: the
// abort criteria cancel the job; a SNAPSHOT job whose executions are all
// terminal, with nothing left to roll out, is COMPLETED. CONTINUOUS jobs
// never complete.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-jobs-lifecycle.html#iot-jobs-states
func (s *Service) settle(j *job, b *batch) {
	if j.status != JobInProgress {
		return
	}
	if abortHit(j) {
		s.abortJob(j, b)
		return
	}
	if j.targetSelection != TargetSnapshot || len(j.pending) > 0 {
		return
	}
	for thing := range j.execs {
		if !terminal(j.latest(thing).status) {
			return
		}
	}
	j.status = JobCompleted
	j.completedAt, j.lastUpdatedAt = b.now, b.now
	s.jobEvent(j, "completed", b)
}

// abortJob cancels a job whose abort criteria are met: only QUEUED
// executions are canceled, IN_PROGRESS ones continue.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-abort-using
func (s *Service) abortJob(j *job, b *batch) {
	// UNCONFIRMED: the reasonCode and comment AWS records on an aborted job.
	j.reasonCode, j.comment = "", "Job aborted: abortConfig criteria met"
	s.cancelJob(j, false, b)
}

// processDetails counts the latest execution of each thing by status.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_JobProcessDetails.html#API_JobProcessDetails_Contents
func (s *Service) processDetails(j *job) *JobProcessDetails {
	d := &JobProcessDetails{}
	if len(j.pending) > 0 {
		d.ProcessingTargets = append([]string(nil), j.targets...)
	}
	for thing := range j.execs {
		switch j.latest(thing).status {
		case ExecQueued:
			d.NumberOfQueuedThings++
		case ExecInProgress:
			d.NumberOfInProgressThings++
		case ExecSucceeded:
			d.NumberOfSucceededThings++
		case ExecFailed:
			d.NumberOfFailedThings++
		case ExecRejected:
			d.NumberOfRejectedThings++
		case ExecCanceled:
			d.NumberOfCanceledThings++
		case ExecRemoved:
			d.NumberOfRemovedThings++
		case ExecTimedOut:
			d.NumberOfTimedOutThings++
		}
	}
	return d
}
