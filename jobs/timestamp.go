package jobs

import (
	"time"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// Timestamp is a control-plane time, restJson1's epoch seconds with a
// millisecond fraction (1549395301.389). Use it with omitzero.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-management-control-api.html#jobs-job-execution-summary-for-job
type Timestamp = awsrest.Timestamp

// ts converts a time for a control-plane shape.
func ts(t time.Time) Timestamp { return Timestamp{Time: t} }

// epoch converts a time for a device-plane shape: integer epoch seconds,
// 0 (omitted) for the zero time.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iot-jobs-data_JobExecution.html#API_iot-jobs-data_JobExecution_Contents
func epoch(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
