package jobs

// The shapes shared by several control-plane operations, with the member
// names of botocore iot/2015-05-28/service-2.json.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_Job.html#API_Job_Contents

// Job status values. AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-jobs-lifecycle.html#iot-jobs-states
const (
	JobInProgress         = "IN_PROGRESS"
	JobCanceled           = "CANCELED"
	JobCompleted          = "COMPLETED"
	JobDeletionInProgress = "DELETION_IN_PROGRESS"
	JobScheduled          = "SCHEDULED"
)

// Execution status values. AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-jobs-lifecycle.html#iot-job-execution-states
const (
	ExecQueued     = "QUEUED"
	ExecInProgress = "IN_PROGRESS"
	ExecSucceeded  = "SUCCEEDED"
	ExecFailed     = "FAILED"
	ExecTimedOut   = "TIMED_OUT"
	ExecRejected   = "REJECTED"
	ExecRemoved    = "REMOVED"
	ExecCanceled   = "CANCELED"
)

// Target selections. AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#iot-CreateJob-request-targetSelection
const (
	TargetSnapshot   = "SNAPSHOT"
	TargetContinuous = "CONTINUOUS"
)

// terminal reports whether an execution status is terminal.
func terminal(status string) bool {
	switch status {
	case ExecQueued, ExecInProgress:
		return false
	}
	return true
}

// PresignedUrlConfig is the presigned-URL configuration of a job.
type PresignedUrlConfig struct {
	RoleArn      string `json:"roleArn,omitempty"`
	ExpiresInSec int64  `json:"expiresInSec,omitempty"`
}

// JobExecutionsRolloutConfig is the rollout rate of a job.
type JobExecutionsRolloutConfig struct {
	MaximumPerMinute int              `json:"maximumPerMinute,omitempty"`
	ExponentialRate  *ExponentialRate `json:"exponentialRate,omitempty"`
}

// ExponentialRate is an exponential rollout.
type ExponentialRate struct {
	BaseRatePerMinute    int                  `json:"baseRatePerMinute"`
	IncrementFactor      float64              `json:"incrementFactor"`
	RateIncreaseCriteria RateIncreaseCriteria `json:"rateIncreaseCriteria"`
}

// RateIncreaseCriteria says when an exponential rollout speeds up.
type RateIncreaseCriteria struct {
	NumberOfNotifiedThings  int `json:"numberOfNotifiedThings,omitempty"`
	NumberOfSucceededThings int `json:"numberOfSucceededThings,omitempty"`
}

// AbortConfig lists the criteria that cancel a job.
type AbortConfig struct {
	CriteriaList []AbortCriteria `json:"criteriaList"`
}

// AbortCriteria is one abort criterion.
type AbortCriteria struct {
	FailureType               string  `json:"failureType"`
	Action                    string  `json:"action"`
	ThresholdPercentage       float64 `json:"thresholdPercentage"`
	MinNumberOfExecutedThings int     `json:"minNumberOfExecutedThings"`
}

// TimeoutConfig is the in-progress timeout of a job.
type TimeoutConfig struct {
	InProgressTimeoutInMinutes int64 `json:"inProgressTimeoutInMinutes,omitempty"`
}

// JobExecutionsRetryConfig lists the retry criteria of a job.
type JobExecutionsRetryConfig struct {
	CriteriaList []RetryCriteria `json:"criteriaList"`
}

// RetryCriteria is one retry criterion.
type RetryCriteria struct {
	FailureType     string `json:"failureType"`
	NumberOfRetries int    `json:"numberOfRetries"`
}

// SchedulingConfig is the schedule of a job.
type SchedulingConfig struct {
	StartTime          string              `json:"startTime,omitempty"`
	EndTime            string              `json:"endTime,omitempty"`
	EndBehavior        string              `json:"endBehavior,omitempty"`
	MaintenanceWindows []MaintenanceWindow `json:"maintenanceWindows,omitempty"`
}

// MaintenanceWindow is a recurring window of a schedule.
type MaintenanceWindow struct {
	StartTime         string `json:"startTime"`
	DurationInMinutes int    `json:"durationInMinutes"`
}

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value,omitempty"`
}

// JobProcessDetails counts the executions of a job by status.
type JobProcessDetails struct {
	ProcessingTargets        []string `json:"processingTargets,omitempty"`
	NumberOfCanceledThings   int      `json:"numberOfCanceledThings"`
	NumberOfSucceededThings  int      `json:"numberOfSucceededThings"`
	NumberOfFailedThings     int      `json:"numberOfFailedThings"`
	NumberOfRejectedThings   int      `json:"numberOfRejectedThings"`
	NumberOfQueuedThings     int      `json:"numberOfQueuedThings"`
	NumberOfInProgressThings int      `json:"numberOfInProgressThings"`
	NumberOfRemovedThings    int      `json:"numberOfRemovedThings"`
	NumberOfTimedOutThings   int      `json:"numberOfTimedOutThings"`
}

// Job is the job of DescribeJob.
type Job struct {
	JobArn                     string                      `json:"jobArn"`
	JobID                      string                      `json:"jobId"`
	TargetSelection            string                      `json:"targetSelection"`
	Status                     string                      `json:"status"`
	ForceCanceled              bool                        `json:"forceCanceled"`
	ReasonCode                 string                      `json:"reasonCode,omitempty"`
	Comment                    string                      `json:"comment,omitempty"`
	Targets                    []string                    `json:"targets"`
	Description                string                      `json:"description,omitempty"`
	PresignedUrlConfig         *PresignedUrlConfig         `json:"presignedUrlConfig,omitempty"`
	JobExecutionsRolloutConfig *JobExecutionsRolloutConfig `json:"jobExecutionsRolloutConfig,omitempty"`
	AbortConfig                *AbortConfig                `json:"abortConfig,omitempty"`
	CreatedAt                  Timestamp                   `json:"createdAt,omitzero"`
	LastUpdatedAt              Timestamp                   `json:"lastUpdatedAt,omitzero"`
	CompletedAt                Timestamp                   `json:"completedAt,omitzero"`
	JobProcessDetails          *JobProcessDetails          `json:"jobProcessDetails,omitempty"`
	TimeoutConfig              *TimeoutConfig              `json:"timeoutConfig,omitempty"`
	NamespaceID                string                      `json:"namespaceId,omitempty"`
	JobTemplateArn             string                      `json:"jobTemplateArn,omitempty"`
	JobExecutionsRetryConfig   *JobExecutionsRetryConfig   `json:"jobExecutionsRetryConfig,omitempty"`
	DocumentParameters         map[string]string           `json:"documentParameters,omitempty"`
	IsConcurrent               bool                        `json:"isConcurrent"`
	SchedulingConfig           *SchedulingConfig           `json:"schedulingConfig,omitempty"`
	DestinationPackageVersions []string                    `json:"destinationPackageVersions,omitempty"`
}

// JobSummary is one job of ListJobs.
type JobSummary struct {
	JobArn          string    `json:"jobArn"`
	JobID           string    `json:"jobId"`
	ThingGroupID    string    `json:"thingGroupId,omitempty"`
	TargetSelection string    `json:"targetSelection"`
	Status          string    `json:"status"`
	CreatedAt       Timestamp `json:"createdAt,omitzero"`
	LastUpdatedAt   Timestamp `json:"lastUpdatedAt,omitzero"`
	CompletedAt     Timestamp `json:"completedAt,omitzero"`
	IsConcurrent    bool      `json:"isConcurrent"`
}

// JobExecution is the control-plane execution of DescribeJobExecution.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_JobExecution.html#API_JobExecution_Contents
type JobExecution struct {
	JobID                            string                     `json:"jobId"`
	Status                           string                     `json:"status"`
	ForceCanceled                    bool                       `json:"forceCanceled"`
	StatusDetails                    *JobExecutionStatusDetails `json:"statusDetails,omitempty"`
	ThingArn                         string                     `json:"thingArn"`
	QueuedAt                         Timestamp                  `json:"queuedAt,omitzero"`
	StartedAt                        Timestamp                  `json:"startedAt,omitzero"`
	LastUpdatedAt                    Timestamp                  `json:"lastUpdatedAt,omitzero"`
	ExecutionNumber                  int64                      `json:"executionNumber"`
	VersionNumber                    int64                      `json:"versionNumber"`
	ApproximateSecondsBeforeTimedOut int64                      `json:"approximateSecondsBeforeTimedOut,omitempty"`
}

// JobExecutionStatusDetails wraps the status details of a control-plane
// execution.
type JobExecutionStatusDetails struct {
	DetailsMap map[string]string `json:"detailsMap,omitempty"`
}

// JobExecutionSummary is the summary of a control-plane execution.
type JobExecutionSummary struct {
	Status          string    `json:"status"`
	QueuedAt        Timestamp `json:"queuedAt,omitzero"`
	StartedAt       Timestamp `json:"startedAt,omitzero"`
	LastUpdatedAt   Timestamp `json:"lastUpdatedAt,omitzero"`
	ExecutionNumber int64     `json:"executionNumber"`
	RetryAttempt    int       `json:"retryAttempt"`
}

// JobExecutionSummaryForJob is one execution of ListJobExecutionsForJob.
type JobExecutionSummaryForJob struct {
	ThingArn            string              `json:"thingArn"`
	JobExecutionSummary JobExecutionSummary `json:"jobExecutionSummary"`
}

// JobExecutionSummaryForThing is one execution of ListJobExecutionsForThing.
type JobExecutionSummaryForThing struct {
	JobID               string              `json:"jobId"`
	JobExecutionSummary JobExecutionSummary `json:"jobExecutionSummary"`
}
