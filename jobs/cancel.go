package jobs

import "context"

// CancelJobInput is the CancelJob request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CancelJob.html#API_CancelJob_RequestSyntax
type CancelJobInput struct {
	JobID      string `json:"-"`
	ReasonCode string `json:"reasonCode,omitempty"`
	Comment    string `json:"comment,omitempty"`
	Force      bool   `json:"-"`
}

// CancelJob cancels a job: QUEUED executions become CANCELED; with Force
// IN_PROGRESS ones too, and the job and those executions are
// forceCanceled. Without Force, IN_PROGRESS executions continue.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CancelJob.html#iot-CancelJob-request-force
func (s *Service) CancelJob(ctx context.Context, in CancelJobInput) (CreateJobOutput, error) {
	if err := checkID("jobId", in.JobID); err != nil {
		return CreateJobOutput{}, err
	}
	if err := checkReasonCode(in.ReasonCode); err != nil {
		return CreateJobOutput{}, err
	}
	if err := checkText("comment", in.Comment, maxCommentLength); err != nil {
		return CreateJobOutput{}, err
	}
	if err := s.lock(); err != nil {
		return CreateJobOutput{}, err
	}
	j, err := s.jobForCancel(in.JobID)
	var msgs []outMsg
	if err == nil {
		b := s.begin()
		j.reasonCode, j.comment = in.ReasonCode, in.Comment
		s.cancelJob(j, in.Force, b)
		msgs = b.finish()
	}
	s.mu.Unlock()
	if err != nil {
		return CreateJobOutput{}, err
	}
	s.flush(ctx, msgs)
	return CreateJobOutput{JobArn: j.arn, JobID: j.id, Description: j.description}, nil
}

// jobForCancel returns a job that may be canceled.
// UNCONFIRMED (U11): canceling a COMPLETED or CANCELED job is
// InvalidRequestException; a DELETION_IN_PROGRESS one is an error per the
// DeleteJob documentation.
func (s *Service) jobForCancel(id string) (*job, error) {
	j, err := s.jobByID(id)
	if err != nil {
		return nil, err
	}
	switch j.status {
	case JobInProgress, JobScheduled:
		return j, nil
	case JobDeletionInProgress:
		return nil, errorf(InvalidRequest, "Job %s is being deleted.", id)
	}
	return nil, errorf(InvalidRequest, "Job %s is in status %s and cannot be canceled.", id, j.status)
}

// cancelJob moves a job to CANCELED and cancels its executions; the
// events are cancellation_in_progress, one jobExecution canceled per
// execution, then canceled.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/events-jobs.html#events-jobs
func (s *Service) cancelJob(j *job, force bool, b *batch) {
	j.status = JobCanceled
	j.lastUpdatedAt = b.now
	j.pending = nil
	if force {
		j.forceCanceled = true
	}
	s.jobEvent(j, "cancellation_in_progress", b)
	for _, e := range j.allExecs() {
		if e.status == ExecQueued || (force && e.status == ExecInProgress) {
			e.forceCanceled = force && e.status == ExecInProgress
			e.versionNumber++
			s.setStatus(j, e, ExecCanceled, b)
		}
	}
	s.jobEvent(j, "canceled", b)
}

// DeleteJobInput is the DeleteJob request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteJob.html#API_DeleteJob_RequestSyntax
type DeleteJobInput struct {
	JobID       string
	Force       bool
	NamespaceID string
}

// DeleteJob deletes a job and its executions. A job with IN_PROGRESS
// executions (or an IN_PROGRESS job) needs Force, else
// InvalidStateTransitionException. The emulator deletes at once, but
// publishes deletion_in_progress then deleted, and jobs/notify to every
// thing whose pending list changed.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteJob.html#iot-DeleteJob-request-force
func (s *Service) DeleteJob(ctx context.Context, in DeleteJobInput) error {
	if err := checkID("jobId", in.JobID); err != nil {
		return err
	}
	if err := s.lock(); err != nil {
		return err
	}
	j, err := s.jobByID(in.JobID)
	if err == nil && !in.Force && j.status == JobInProgress {
		err = errorf(InvalidStateTransition, "Cannot delete job %s in status IN_PROGRESS without force.", in.JobID)
	}
	var msgs []outMsg
	if err == nil {
		b := s.begin()
		s.deleteJob(j, b)
		msgs = b.finish()
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.flush(ctx, msgs)
	return nil
}

// deleteJob removes a job, with its events.
func (s *Service) deleteJob(j *job, b *batch) {
	for thing := range j.execs {
		b.touch(thing)
	}
	j.status = JobDeletionInProgress
	j.lastUpdatedAt = b.now
	s.jobEvent(j, "deletion_in_progress", b)
	for _, e := range j.allExecs() {
		s.execEvent(j, e, "deleted", b)
	}
	s.removeJob(j)
	s.jobEvent(j, "deleted", b)
}

// jobByID returns a live job or ResourceNotFoundException.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeJob.html#API_DescribeJob_Errors
func (s *Service) jobByID(id string) (*job, error) {
	j, ok := s.jobs[id]
	if !ok {
		return nil, errorf(ResourceNotFound, "Job %s does not exist.", id)
	}
	return j, nil
}
