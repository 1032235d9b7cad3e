// Package jobs emulates AWS IoT Jobs: the control plane of the iot API
// (CreateJob, DescribeJob, ListJobs, UpdateJob, CancelJob, DeleteJob,
// GetJobDocument, AssociateTargetsWithJob, the job-execution operations and
// job templates) as Go methods with botocore's input and output shapes; the
// device side over MQTT reserved topics (HandleMQTT) and over the
// iot-jobs-data HTTP API (DataPlane, with an optional http.Handler); the
// jobs/notify and jobs/notify-next pushes; and the $aws/events/job and
// $aws/events/jobExecution events.
//
// The package imports only the standard library and github.com/google/uuid.
// It knows neither the broker nor the registry nor S3: it talks to them
// through small consumer-side interfaces the composition root provides —
// Publisher, Targets, DocumentFetcher, Presigner — and an EventsEnabled
// hook (UpdateEventConfigurations lives elsewhere).
//
// # Why Publisher has PublishTo
//
// AWS delivers a Jobs /accepted or /rejected reply only to the client that
// published the request, whether or not it subscribed, and never to other
// subscribers or rules (jobs-mqtt-api.html). HandleMQTT therefore takes the
// requesting client ID and replies through Publisher.PublishTo; notify,
// notify-next and events are ordinary publishes (Publisher.Publish).
//
// # What is emulated
//
//   - Job status derived from executions: a SNAPSHOT job is COMPLETED when
//     every execution is terminal; CONTINUOUS jobs never complete; CancelJob
//     (force), DeleteJob (force), abortConfig, jobExecutionsRetryConfig,
//     jobProcessDetails counts.
//   - Targets: thing and thing-group ARNs resolved through Targets; a
//     CONTINUOUS job queues executions for things that join a target group
//     later (ThingAddedToGroup), and marks REMOVED those that leave
//     (ThingRemovedFromGroup) or are deleted (ThingDeleted).
//   - Timers on the injected clock: in-progress (timeoutConfig) and step
//     (stepTimeoutInMinutes) timeouts, schedulingConfig.startTime and the
//     rollout rate (maximumPerMinute, exponentialRate) advance in Tick; the
//     Service owns no goroutine and no timer.
//   - The MQTT API with every documented rejection (errors.go maps each AWS
//     error to its HTTP shape and its MQTT code in one table; mqtt.go builds
//     the one rejected document), clientToken echo, numbers sent as strings,
//     includeJobDocument, includeJobExecutionState, expectedVersion,
//     executionNumber, statusDetails.
//   - documentSource through DocumentFetcher, fetched once at creation; with
//     no DocumentFetcher it is InvalidRequestException ("no S3 endpoint
//     configured"). ${aws:iot:s3-presigned-url:URL} (and -v2) placeholders
//     are replaced through Presigner when a device receives the document;
//     with no Presigner, or no presignedUrlConfig.roleArn, they are left as
//     they are, so a device sees the plain S3 URL inside the placeholder.
//
// # What is not emulated
//
//   - Throttling, and authorisation (policies are the root's business).
//   - Namespaced jobs (notify-namespace-...), AWS-managed templates,
//     maintenance windows and schedulingConfig.endTime/endBehavior (stored
//     and echoed only), software package versions.
//   - The thingGroupId filter of ListJobs (InvalidRequestException; use
//     thingGroupName).
//   - Asynchrony: deletion and cancellation finish at once (the in-progress
//     events are still published), so DELETION_IN_PROGRESS is never seen.
//
// Every AWS behaviour cites its documentation page as "AWS: <URL>";
// choices where AWS is unconfirmed say UNCONFIRMED and are listed in
// docs/compatibility.md.
//
// # Concurrency
//
// One mutex guards all state. No lock is held while calling Publisher,
// Targets, DocumentFetcher or Presigner, so they may call back into the
// Service; EventsEnabled is called with the lock held and must not.
package jobs
