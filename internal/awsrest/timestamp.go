package awsrest

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Timestamp is a restJson1 timestamp member: a JSON number of epoch
// seconds with a millisecond fraction (1549395301.389), the default
// timestampFormat of the iot service's model. Use it with omitzero.
// AWS: https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html#timestamp-formats
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
