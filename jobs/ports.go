package jobs

import (
	"context"
	"time"
)

// Publisher sends the Jobs service's MQTT messages. It is consumer-side:
// the composition root adapts its broker to it.
//
// PublishTo carries the ID of the client that made the request because AWS
// delivers a Jobs /accepted or /rejected reply only to the client that
// published the request, even when it did not subscribe, and never to other
// subscribers or rules.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#jobs-mqtt-api
//
// Publish is an ordinary broker publish, used for jobs/notify,
// jobs/notify-next and $aws/events/... messages, which any subscriber (and
// rules) may receive.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-comm-notifications.html#jobs-comm-notifications
type Publisher interface {
	// PublishTo delivers a reply to one client only.
	PublishTo(ctx context.Context, clientID, topic string, payload []byte) error
	// Publish delivers a message to every subscriber of topic.
	Publish(ctx context.Context, topic string, payload []byte) error
}

// Targets resolves job targets. The composition root adapts its registry to
// it, so this package does not import the registry.
type Targets interface {
	// ThingExists reports whether a thing is registered.
	ThingExists(ctx context.Context, thingName string) (bool, error)
	// ThingsInGroup returns the names of the things of a thing group
	// (static or dynamic), including those of its child groups. A missing
	// group is an error wrapping ErrGroupNotFound.
	ThingsInGroup(ctx context.Context, groupARN string) ([]string, error)
}

// DocumentFetcher fetches the job document of a documentSource (an S3 URL)
// once, at CreateJob or CreateJobTemplate.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/job-templates-cli.html#job-templates-cli-create-scratch
type DocumentFetcher interface {
	// FetchDocument returns the document stored at url.
	FetchDocument(ctx context.Context, url string) ([]byte, error)
}

// Presigner turns the S3 URL of a ${aws:iot:s3-presigned-url:URL}
// placeholder into a presigned URL valid for expires, signed as roleARN.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/create-manage-jobs.html#create-manage-jobs-presigned-URLs
type Presigner interface {
	// Presign returns the URL to put in place of the placeholder.
	Presign(ctx context.Context, s3URL, roleARN string, expires time.Duration) (string, error)
}

// Event types of EventsEnabled, the keys of AWS's event configurations.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-events.html#iot-events-enable
const (
	EventJob          = "JOB"
	EventJobExecution = "JOB_EXECUTION"
)
