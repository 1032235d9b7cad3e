package jobs

import (
	"context"
	"fmt"
)

// maxCancelDetails bounds the statusDetails of CancelJobExecution.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CancelJobExecution.html#iot-CancelJobExecution-request-statusDetails
const maxCancelDetails = 10

// CancelJobExecutionInput is the CancelJobExecution request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CancelJobExecution.html#API_CancelJobExecution_RequestSyntax
type CancelJobExecutionInput struct {
	JobID           string            `json:"-"`
	ThingName       string            `json:"-"`
	Force           bool              `json:"-"`
	ExpectedVersion *int64            `json:"expectedVersion,omitempty"`
	StatusDetails   map[string]string `json:"statusDetails,omitempty"`
}

// CancelJobExecution cancels the latest execution of a job on a thing: a
// QUEUED one always, an IN_PROGRESS one only with Force (else
// InvalidStateTransitionException); a stale ExpectedVersion is
// VersionConflictException.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CancelJobExecution.html#iot-CancelJobExecution-request-force
func (s *Service) CancelJobExecution(ctx context.Context, in CancelJobExecutionInput) error {
	if err := s.checkCancelExec(in); err != nil {
		return err
	}
	if err := s.lock(); err != nil {
		return err
	}
	b := s.begin()
	err := s.cancelExec(in, b)
	msgs := b.finish()
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.flush(ctx, msgs)
	return nil
}

// checkCancelExec validates a CancelJobExecution request.
func (s *Service) checkCancelExec(in CancelJobExecutionInput) error {
	if err := checkID("jobId", in.JobID); err != nil {
		return err
	}
	if err := checkThingName(in.ThingName); err != nil {
		return err
	}
	if len(in.StatusDetails) > maxCancelDetails {
		return validation("statusDetails", fmt.Sprintf("Member must have at most %d entries", maxCancelDetails))
	}
	return checkDetails(in.StatusDetails)
}

// cancelExec applies CancelJobExecution; the caller holds the lock.
func (s *Service) cancelExec(in CancelJobExecutionInput, b *batch) error {
	e, err := s.execOf(in.ThingName, in.JobID, 0)
	if err != nil {
		return err
	}
	if in.ExpectedVersion != nil && *in.ExpectedVersion != e.versionNumber {
		return errorf(VersionConflict, "The expected version %d does not match the current version %d.", *in.ExpectedVersion, e.versionNumber)
	}
	if terminal(e.status) {
		// UNCONFIRMED (U11): canceling a terminal execution.
		return errorf(InvalidStateTransition, "Job execution is already in terminal state %s.", e.status)
	}
	if e.status == ExecInProgress && !in.Force {
		return errorf(InvalidStateTransition, "Cannot cancel an IN_PROGRESS job execution without force.")
	}
	j := s.jobs[in.JobID]
	b.touch(in.ThingName)
	if in.StatusDetails != nil {
		e.statusDetails = cloneMap(in.StatusDetails)
	}
	e.forceCanceled = e.status == ExecInProgress
	// UNCONFIRMED: canceling bumps versionNumber.
	e.versionNumber++
	s.setStatus(j, e, ExecCanceled, b)
	s.settle(j, b)
	return nil
}

// DeleteJobExecutionInput is the DeleteJobExecution request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteJobExecution.html#API_DeleteJobExecution_RequestSyntax
type DeleteJobExecutionInput struct {
	JobID           string
	ThingName       string
	ExecutionNumber int64
	Force           bool
	NamespaceID     string
}

// DeleteJobExecution deletes one execution. Only terminal executions may
// be deleted without Force (else InvalidStateTransitionException); an
// unknown executionNumber is ResourceNotFoundException.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteJobExecution.html#iot-DeleteJobExecution-request-force
func (s *Service) DeleteJobExecution(ctx context.Context, in DeleteJobExecutionInput) error {
	if err := checkID("jobId", in.JobID); err != nil {
		return err
	}
	if err := checkThingName(in.ThingName); err != nil {
		return err
	}
	if in.ExecutionNumber < 1 {
		return validation("executionNumber", "Member must not be null")
	}
	if err := s.lock(); err != nil {
		return err
	}
	b := s.begin()
	e, err := s.execOf(in.ThingName, in.JobID, in.ExecutionNumber)
	if err == nil && !terminal(e.status) && !in.Force {
		err = errorf(InvalidStateTransition, "Cannot delete a job execution in status %s without force.", e.status)
	}
	if err == nil {
		j := s.jobs[in.JobID]
		b.touch(in.ThingName)
		s.execEvent(j, e, "deleted", b)
		s.removeExecution(j, e)
		s.settle(j, b)
	}
	msgs := b.finish()
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.flush(ctx, msgs)
	return nil
}
