package jobs

import "context"

// UpdateJobInput is the UpdateJob request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateJob.html#API_UpdateJob_RequestSyntax
type UpdateJobInput struct {
	JobID                      string                      `json:"-"`
	Description                *string                     `json:"description,omitempty"`
	PresignedUrlConfig         *PresignedUrlConfig         `json:"presignedUrlConfig,omitempty"`
	JobExecutionsRolloutConfig *JobExecutionsRolloutConfig `json:"jobExecutionsRolloutConfig,omitempty"`
	AbortConfig                *AbortConfig                `json:"abortConfig,omitempty"`
	TimeoutConfig              *TimeoutConfig              `json:"timeoutConfig,omitempty"`
	NamespaceID                string                      `json:"-"`
	JobExecutionsRetryConfig   *JobExecutionsRetryConfig   `json:"jobExecutionsRetryConfig,omitempty"`
}

// UpdateJob replaces the members given. A new timeoutConfig applies to
// executions that start later; running timers keep their deadline
// (UNCONFIRMED: AWS says the update "has no effect" on started timers).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-timeout-timers
func (s *Service) UpdateJob(ctx context.Context, in UpdateJobInput) error {
	if err := checkID("jobId", in.JobID); err != nil {
		return err
	}
	if in.Description != nil {
		if err := checkText("description", *in.Description, maxDescriptionLength); err != nil {
			return err
		}
	}
	if err := checkConfigs(in.PresignedUrlConfig, in.JobExecutionsRolloutConfig, in.AbortConfig, in.TimeoutConfig, in.JobExecutionsRetryConfig); err != nil {
		return err
	}
	if err := s.lock(); err != nil {
		return err
	}
	j, err := s.jobByID(in.JobID)
	var msgs []outMsg
	if err == nil && j.status == JobDeletionInProgress {
		err = errorf(InvalidRequest, "Job %s is being deleted.", in.JobID)
	}
	if err == nil {
		b := s.begin()
		applyUpdate(j, in)
		j.lastUpdatedAt = b.now
		s.release(j, b)
		s.settle(j, b)
		msgs = b.finish()
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.flush(ctx, msgs)
	return nil
}

// applyUpdate copies the members of an UpdateJob request.
func applyUpdate(j *job, in UpdateJobInput) {
	if in.Description != nil {
		j.description = *in.Description
	}
	if in.PresignedUrlConfig != nil {
		j.presigned = clonePtr(in.PresignedUrlConfig)
	}
	if in.JobExecutionsRolloutConfig != nil {
		j.rollout = cloneRollout(in.JobExecutionsRolloutConfig)
		j.rate.perMinute = initialRate(j.rollout)
	}
	if in.AbortConfig != nil {
		j.abort = cloneAbort(in.AbortConfig)
	}
	if in.TimeoutConfig != nil {
		j.timeout = clonePtr(in.TimeoutConfig)
	}
	if in.JobExecutionsRetryConfig != nil {
		j.retry = cloneRetry(in.JobExecutionsRetryConfig)
	}
}
