package jobs

// The statuses a device may set.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iot-jobs-data_UpdateJobExecution.html#iotjobsdata-UpdateJobExecution-request-status
var deviceStatuses = map[string]bool{ExecInProgress: true, ExecSucceeded: true, ExecFailed: true, ExecRejected: true}

// checkUpdate validates an update request before the execution is looked up.
func checkUpdate(req deviceRequest) error {
	if req.status == "" {
		// AWS: observed text, https://github.com/aws/aws-iot-device-sdk-cpp-v2/issues/95
		return errorf(InvalidRequest, "1 validation error detected: Value null at 'status' failed to satisfy constraint: Member must not be null")
	}
	if !deviceStatuses[req.status] && req.status != ExecQueued {
		switch req.status {
		case ExecCanceled, ExecTimedOut, ExecRemoved:
			// UNCONFIRMED (U1): statuses only the service sets are InvalidRequest.
			return errorf(InvalidRequest, "A device cannot set the status of a job execution to %s.", req.status)
		}
		return validation("status", "Member must satisfy enum value set: [IN_PROGRESS, SUCCEEDED, FAILED, REJECTED]")
	}
	if err := checkDetails(req.statusDetails); err != nil {
		return err
	}
	return checkStepTimeout(req.stepTimeout)
}

// updateExec applies a device UpdateJobExecution.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#mqtt-updatejobexecution
func (s *Service) updateExec(thing, jobID string, req deviceRequest, b *batch) (*execution, error) {
	if err := checkUpdate(req); err != nil {
		return nil, err
	}
	e, err := s.execOf(thing, jobID, req.executionNumber)
	if err != nil {
		return nil, err
	}
	if req.expectedVersion != nil && *req.expectedVersion != e.versionNumber {
		// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#mqtt-updatejobexecution
		// UNCONFIRMED (U3): over HTTP this is InvalidStateTransitionException.
		return nil, &Error{Code: InvalidStateTransition, MQTT: RejectedVersionMismatch, State: stateOf(e),
			Message: "The expected version does not match the current version of the job execution."}
	}
	if terminal(e.status) || req.status == ExecQueued {
		// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-workflow-jobs-online.html#jobs-job-processing
		// UNCONFIRMED (U1): back to QUEUED is InvalidStateTransition too.
		return nil, &Error{Code: InvalidStateTransition, State: stateOf(e),
			Message: "Job execution " + jobID + " cannot transition from " + e.status + " to " + req.status + "."}
	}
	j := s.jobs[jobID]
	b.touch(thing)
	if e.status == ExecQueued {
		// UNCONFIRMED (U2): QUEUED may go straight to a terminal status.
		s.start(j, e, b.now)
	}
	if req.hasDetails {
		// UNCONFIRMED (U6): statusDetails replace the map.
		e.statusDetails = cloneMap(req.statusDetails)
	}
	setStepTimer(e, req.stepTimeout, b.now)
	e.versionNumber++
	s.setStatus(j, e, req.status, b)
	s.settle(j, b)
	return e, nil
}
