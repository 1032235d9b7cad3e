package jobs

import (
	"context"
	"maps"
)

// DataPlane is the iot-jobs-data API (the device side over HTTP) of a
// Service. It shares the state of the MQTT API; the HTTP routing and wire
// encoding are the composition root's, or Handler's.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-http-device-api.html#jobs-http-device-api
type DataPlane struct{ s *Service }

// DataPlane returns the iot-jobs-data API of s.
func (s *Service) DataPlane() DataPlane { return DataPlane{s: s} }

// GetPendingJobExecutionsOutput is the GetPendingJobExecutions response.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iot-jobs-data_GetPendingJobExecutions.html#API_iot-jobs-data_GetPendingJobExecutions_ResponseSyntax
type GetPendingJobExecutionsOutput struct {
	InProgressJobs []DeviceExecutionSummary `json:"inProgressJobs"`
	QueuedJobs     []DeviceExecutionSummary `json:"queuedJobs"`
}

// GetPendingJobExecutions lists the thing's pending executions.
func (d DataPlane) GetPendingJobExecutions(_ context.Context, thingName string) (GetPendingJobExecutionsOutput, error) {
	if err := checkThingName(thingName); err != nil {
		return GetPendingJobExecutionsOutput{}, err
	}
	if err := d.s.lock(); err != nil {
		return GetPendingJobExecutionsOutput{}, err
	}
	defer d.s.mu.Unlock()
	in, q := d.s.pendingSplit(thingName)
	return GetPendingJobExecutionsOutput{InProgressJobs: in, QueuedJobs: q}, nil
}

// StartNextPendingJobExecutionInput is the StartNextPendingJobExecution request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iot-jobs-data_StartNextPendingJobExecution.html#API_iot-jobs-data_StartNextPendingJobExecution_RequestSyntax
type StartNextPendingJobExecutionInput struct {
	ThingName            string            `json:"-"`
	StatusDetails        map[string]string `json:"statusDetails,omitempty"`
	StepTimeoutInMinutes *int64            `json:"stepTimeoutInMinutes,omitempty"`
}

// ExecutionOutput is the StartNextPendingJobExecution and
// DescribeJobExecution response; Execution is nil ({}) when nothing is
// pending.
type ExecutionOutput struct {
	Execution *DeviceExecution `json:"execution,omitempty"`
}

// StartNextPendingJobExecution starts the next pending execution, as the
// MQTT start-next does.
func (d DataPlane) StartNextPendingJobExecution(ctx context.Context, in StartNextPendingJobExecutionInput) (ExecutionOutput, error) {
	if err := checkThingName(in.ThingName); err != nil {
		return ExecutionOutput{}, err
	}
	req := deviceRequest{statusDetails: in.StatusDetails, hasDetails: in.StatusDetails != nil, stepTimeout: in.StepTimeoutInMinutes}
	return d.run(ctx, func(b *batch) (*execution, bool, error) {
		e, err := d.s.startNext(in.ThingName, req, b)
		return e, true, err
	})
}

// DescribeJobExecutionInput is the iot-jobs-data DescribeJobExecution
// request; JobID may be "$next".
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iot-jobs-data_DescribeJobExecution.html#API_iot-jobs-data_DescribeJobExecution_RequestSyntax
type DescribeJobExecutionInput struct {
	JobID              string
	ThingName          string
	IncludeJobDocument *bool
	ExecutionNumber    int64
}

// DescribeJobExecution returns one execution; a terminal one is
// TerminalStateException (UNCONFIRMED U4).
func (d DataPlane) DescribeJobExecution(ctx context.Context, in DescribeJobExecutionInput) (ExecutionOutput, error) {
	if err := checkThingName(in.ThingName); err != nil {
		return ExecutionOutput{}, err
	}
	if in.JobID != NextJobID {
		if err := checkID("jobId", in.JobID); err != nil {
			return ExecutionOutput{}, err
		}
	}
	return d.run(ctx, func(*batch) (*execution, bool, error) {
		e, err := d.s.describeExec(in.ThingName, in.JobID, in.ExecutionNumber)
		// AWS: includeJobDocument defaults to true.
		return e, in.IncludeJobDocument == nil || *in.IncludeJobDocument, err
	})
}

// run executes a device operation under the lock, then publishes its
// notifications and substitutes the document outside it.
func (d DataPlane) run(ctx context.Context, op func(*batch) (*execution, bool, error)) (ExecutionOutput, error) {
	if err := d.s.lock(); err != nil {
		return ExecutionOutput{}, err
	}
	b := d.s.begin()
	e, includeDoc, err := op(b)
	var out ExecutionOutput
	var ref *docRef
	if err == nil && e != nil {
		out.Execution, ref = d.s.deviceExecution(e, includeDoc, b.now)
	}
	msgs := b.finish()
	d.s.mu.Unlock()
	if err != nil {
		return ExecutionOutput{}, err
	}
	d.s.flush(ctx, msgs)
	if ref != nil {
		doc, err := d.s.substitute(ctx, ref)
		if err != nil {
			return ExecutionOutput{}, err
		}
		out.Execution.JobDocument = doc
	}
	return out, nil
}

// UpdateJobExecutionInput is the iot-jobs-data UpdateJobExecution request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iot-jobs-data_UpdateJobExecution.html#API_iot-jobs-data_UpdateJobExecution_RequestSyntax
type UpdateJobExecutionInput struct {
	JobID                    string            `json:"-"`
	ThingName                string            `json:"-"`
	Status                   string            `json:"status"`
	StatusDetails            map[string]string `json:"statusDetails,omitempty"`
	StepTimeoutInMinutes     *int64            `json:"stepTimeoutInMinutes,omitempty"`
	ExpectedVersion          *int64            `json:"expectedVersion,omitempty"`
	IncludeJobExecutionState bool              `json:"includeJobExecutionState,omitempty"`
	IncludeJobDocument       bool              `json:"includeJobDocument,omitempty"`
	ExecutionNumber          int64             `json:"executionNumber,omitempty"`
}

// UpdateJobExecutionOutput is the iot-jobs-data UpdateJobExecution response.
type UpdateJobExecutionOutput struct {
	ExecutionState *ExecutionState `json:"executionState,omitempty"`
	JobDocument    string          `json:"jobDocument,omitempty"`
}

// UpdateJobExecution updates an execution, as the MQTT update does.
func (d DataPlane) UpdateJobExecution(ctx context.Context, in UpdateJobExecutionInput) (UpdateJobExecutionOutput, error) {
	if err := checkThingName(in.ThingName); err != nil {
		return UpdateJobExecutionOutput{}, err
	}
	if err := checkID("jobId", in.JobID); err != nil {
		return UpdateJobExecutionOutput{}, err
	}
	req := deviceRequest{
		status: in.Status, statusDetails: maps.Clone(in.StatusDetails), hasDetails: in.StatusDetails != nil,
		stepTimeout: in.StepTimeoutInMinutes, expectedVersion: in.ExpectedVersion, executionNumber: in.ExecutionNumber,
	}
	var state *ExecutionState
	out, err := d.run(ctx, func(b *batch) (*execution, bool, error) {
		e, err := d.s.updateExec(in.ThingName, in.JobID, req, b)
		if err == nil && in.IncludeJobExecutionState {
			state = stateOf(e)
		}
		return e, in.IncludeJobDocument, err
	})
	if err != nil {
		return UpdateJobExecutionOutput{}, err
	}
	res := UpdateJobExecutionOutput{ExecutionState: state}
	if in.IncludeJobDocument && out.Execution != nil {
		res.JobDocument = out.Execution.JobDocument
	}
	return res, nil
}
