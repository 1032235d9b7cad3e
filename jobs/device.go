package jobs

import (
	"time"
)

// Step timeout bounds; -1 cancels the step timer.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iot-jobs-data_UpdateJobExecution.html#iotjobsdata-UpdateJobExecution-request-stepTimeoutInMinutes
const cancelStepTimer = -1

// deviceRequest is a device request after decoding, shared by MQTT and HTTP.
type deviceRequest struct {
	clientToken     string
	status          string
	statusDetails   map[string]string
	hasDetails      bool
	stepTimeout     *int64
	expectedVersion *int64
	executionNumber int64
	includeDoc      *bool
	includeState    bool
}

// checkStepTimeout validates stepTimeoutInMinutes: 1 to 10080, or -1.
func checkStepTimeout(v *int64) error {
	if v == nil || *v == cancelStepTimer || (*v >= 1 && *v <= maxStepTimeout) {
		return nil
	}
	return validation("stepTimeoutInMinutes", "Member must have value between 1 and 10080, or -1")
}

// pendingSplit returns the thing's IN_PROGRESS and QUEUED executions.
func (s *Service) pendingSplit(thing string) (inProgress, queued []DeviceExecutionSummary) {
	inProgress, queued = []DeviceExecutionSummary{}, []DeviceExecutionSummary{}
	for _, e := range s.pending(thing) {
		if e.status == ExecInProgress {
			inProgress = append(inProgress, summaryOf(e))
		} else {
			queued = append(queued, summaryOf(e))
		}
	}
	return inProgress, queued
}

// startNext starts the thing's next pending execution: a QUEUED head
// becomes IN_PROGRESS with the given statusDetails and step timer,
// versionNumber+1; an IN_PROGRESS head is returned unchanged. Nil when
// nothing is pending (UNCONFIRMED U5: also for an unknown thing).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#mqtt-startnextpendingjobexecution
func (s *Service) startNext(thing string, req deviceRequest, b *batch) (*execution, error) {
	if err := checkDetails(req.statusDetails); err != nil {
		return nil, err
	}
	if err := checkStepTimeout(req.stepTimeout); err != nil {
		return nil, err
	}
	list := s.pending(thing)
	if len(list) == 0 {
		return nil, nil
	}
	e := list[0]
	if e.status == ExecInProgress {
		return e, nil
	}
	j := s.jobs[e.jobID]
	b.touch(thing)
	s.start(j, e, b.now)
	if req.hasDetails {
		e.statusDetails = cloneMap(req.statusDetails)
	}
	setStepTimer(e, req.stepTimeout, b.now)
	e.versionNumber++
	s.setStatus(j, e, ExecInProgress, b)
	return e, nil
}

// start sets startedAt and the in-progress timer of the job's timeoutConfig.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-timeout-timers
func (s *Service) start(j *job, e *execution, now time.Time) {
	e.startedAt = now
	if j.timeout != nil && j.timeout.InProgressTimeoutInMinutes > 0 {
		e.inProgressDeadline = now.Add(time.Duration(j.timeout.InProgressTimeoutInMinutes) * time.Minute)
	}
}

// setStepTimer replaces the step timer; it never runs past the in-progress
// deadline. -1 cancels it; nil leaves it.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-timeout-timers-works
func setStepTimer(e *execution, minutes *int64, now time.Time) {
	switch {
	case minutes == nil:
	case *minutes == cancelStepTimer:
		e.stepDeadline = time.Time{}
	default:
		e.stepDeadline = now.Add(time.Duration(*minutes) * time.Minute)
	}
}

// describeExec returns the execution of jobID ($next: the next pending,
// nil when none, UNCONFIRMED U5). A terminal execution named explicitly is
// TerminalStateReached (UNCONFIRMED U4).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#mqtt-describejobexecution
func (s *Service) describeExec(thing, jobID string, number int64) (*execution, error) {
	if jobID == NextJobID {
		if list := s.pending(thing); len(list) > 0 {
			return list[0], nil
		}
		return nil, nil
	}
	e, err := s.execOf(thing, jobID, number)
	if err != nil {
		return nil, err
	}
	if terminal(e.status) {
		return nil, &Error{Code: TerminalState, Message: "Job execution " + jobID + " on " + thing + " is in terminal state " + e.status + "."}
	}
	return e, nil
}

// execOf returns an execution (the latest for number 0) or
// ResourceNotFound.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-api.html#jobs-mqtt-error-response
func (s *Service) execOf(thing, jobID string, number int64) (*execution, error) {
	j, ok := s.jobs[jobID]
	if ok && j.status != JobDeletionInProgress {
		if e := j.find(thing, number); e != nil {
			return e, nil
		}
	}
	// UNCONFIRMED: AWS's text for a missing execution.
	return nil, errorf(ResourceNotFound, "Job execution %s does not exist on thing %s.", jobID, thing)
}
