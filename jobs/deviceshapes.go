package jobs

import (
	"encoding/json"
	"time"
)

// The device-plane shapes, with the member names of botocore
// iot-jobs-data/2017-09-29/service-2.json; timestamps are integer epoch
// seconds.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-https-api.html#jobs-mqtt-https-api

// DeviceExecutionSummary is the iot-jobs-data JobExecutionSummary: an
// element of GetPendingJobExecutions and of jobs/notify.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-https-api.html#jobs-mqtt-job-execution-summary
type DeviceExecutionSummary struct {
	JobID           string `json:"jobId"`
	QueuedAt        int64  `json:"queuedAt"`
	StartedAt       int64  `json:"startedAt,omitempty"`
	LastUpdatedAt   int64  `json:"lastUpdatedAt"`
	VersionNumber   int64  `json:"versionNumber"`
	ExecutionNumber int64  `json:"executionNumber"`
}

// ExecutionState is the iot-jobs-data JobExecutionState.
type ExecutionState struct {
	Status        string            `json:"status"`
	StatusDetails map[string]string `json:"statusDetails,omitempty"`
	VersionNumber int64             `json:"versionNumber"`
}

// DeviceExecution is the iot-jobs-data JobExecution of the HTTP API: the
// document is a string.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iot-jobs-data_JobExecution.html#API_iot-jobs-data_JobExecution_Contents
type DeviceExecution struct {
	JobID                            string            `json:"jobId"`
	ThingName                        string            `json:"thingName"`
	Status                           string            `json:"status"`
	StatusDetails                    map[string]string `json:"statusDetails,omitempty"`
	QueuedAt                         int64             `json:"queuedAt"`
	StartedAt                        int64             `json:"startedAt,omitempty"`
	LastUpdatedAt                    int64             `json:"lastUpdatedAt"`
	ApproximateSecondsBeforeTimedOut int64             `json:"approximateSecondsBeforeTimedOut,omitempty"`
	VersionNumber                    int64             `json:"versionNumber"`
	ExecutionNumber                  int64             `json:"executionNumber"`
	JobDocument                      string            `json:"jobDocument,omitempty"`
}

// MQTTExecution is the execution of the MQTT replies and of notify-next:
// no thingName, the document is a JSON object, empty statusDetails and
// startedAt are left out.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#mqtt-startnextpendingjobexecution
type MQTTExecution struct {
	JobID                            string            `json:"jobId"`
	Status                           string            `json:"status"`
	StatusDetails                    map[string]string `json:"statusDetails,omitempty"`
	QueuedAt                         int64             `json:"queuedAt"`
	StartedAt                        int64             `json:"startedAt,omitempty"`
	LastUpdatedAt                    int64             `json:"lastUpdatedAt"`
	ApproximateSecondsBeforeTimedOut int64             `json:"approximateSecondsBeforeTimedOut,omitempty"`
	VersionNumber                    int64             `json:"versionNumber"`
	ExecutionNumber                  int64             `json:"executionNumber"`
	JobDocument                      json.RawMessage   `json:"jobDocument,omitempty"`
}

// summaryOf is the device summary of an execution.
func summaryOf(e *execution) DeviceExecutionSummary {
	return DeviceExecutionSummary{
		JobID: e.jobID, QueuedAt: epoch(e.queuedAt), StartedAt: epoch(e.startedAt),
		LastUpdatedAt: epoch(e.lastUpdatedAt), VersionNumber: e.versionNumber,
		ExecutionNumber: e.executionNumber,
	}
}

// stateOf is the ExecutionState of an execution.
func stateOf(e *execution) *ExecutionState {
	return &ExecutionState{Status: e.status, StatusDetails: e.details(), VersionNumber: e.versionNumber}
}

// secondsLeft is approximateSecondsBeforeTimedOut: present only while
// IN_PROGRESS with a timer.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_JobExecution.html#iot-Type-JobExecution-approximateSecondsBeforeTimedOut
func secondsLeft(e *execution, now time.Time) int64 {
	d := e.deadline()
	if e.status != ExecInProgress || d.IsZero() {
		return 0
	}
	return max(int64(d.Sub(now)/time.Second), 0)
}

// mqttExecution returns the MQTT view of an execution and, when
// includeDoc, the reference of the document to substitute later.
func (s *Service) mqttExecution(e *execution, includeDoc bool, now time.Time) (*MQTTExecution, *docRef) {
	ex := &MQTTExecution{
		JobID: e.jobID, Status: e.status, StatusDetails: e.details(),
		QueuedAt: epoch(e.queuedAt), StartedAt: epoch(e.startedAt), LastUpdatedAt: epoch(e.lastUpdatedAt),
		ApproximateSecondsBeforeTimedOut: secondsLeft(e, now),
		VersionNumber:                    e.versionNumber, ExecutionNumber: e.executionNumber,
	}
	if !includeDoc {
		return ex, nil
	}
	return ex, s.refOf(s.jobs[e.jobID])
}

// deviceExecution returns the HTTP view of an execution.
func (s *Service) deviceExecution(e *execution, includeDoc bool, now time.Time) (*DeviceExecution, *docRef) {
	ex := &DeviceExecution{
		JobID: e.jobID, ThingName: e.thing, Status: e.status, StatusDetails: e.details(),
		QueuedAt: epoch(e.queuedAt), StartedAt: epoch(e.startedAt), LastUpdatedAt: epoch(e.lastUpdatedAt),
		ApproximateSecondsBeforeTimedOut: secondsLeft(e, now),
		VersionNumber:                    e.versionNumber, ExecutionNumber: e.executionNumber,
	}
	if !includeDoc {
		return ex, nil
	}
	return ex, s.refOf(s.jobs[e.jobID])
}
