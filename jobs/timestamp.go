package jobs

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Timestamp is a control-plane time: a JSON number of epoch seconds with a
// millisecond fraction (1549395301.389). Use it with omitzero.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-management-control-api.html#jobs-job-execution-summary-for-job
type Timestamp struct{ time.Time }

// MarshalJSON encodes epoch seconds with up to three decimals.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64)), nil
}

// UnmarshalJSON decodes epoch seconds.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("decode timestamp: %w", err)
	}
	sec, frac := math.Modf(f)
	t.Time = time.Unix(int64(sec), int64(math.Round(frac*1000))*int64(time.Millisecond))
	return nil
}

// ts converts a time for a control-plane shape.
func ts(t time.Time) Timestamp { return Timestamp{t} }

// epoch converts a time for a device-plane shape: integer epoch seconds,
// 0 (omitted) for the zero time.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iot-jobs-data_JobExecution.html#API_iot-jobs-data_JobExecution_Contents
func epoch(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
