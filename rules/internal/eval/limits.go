package eval

import (
	"errors"
)

// ErrTooLarge is the failure of an evaluation that builds a value, or an
// output, larger than the limits below.
var ErrTooLarge = errors.New("evaluation memory limit exceeded")

// Limits of one evaluation. AWS bounds a message at 128 KB
// (AWS: https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits)
// and transform's result at 128 KiB
// (AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-func-transform);
// it documents no bound for intermediate values, so iotemu allows 8× a
// message per value and 64× per evaluation (docs/compatibility.md "Rules
// engine"). JavaScript-side growth is bounded by the program and the
// payload, except nested queries, which count their elements here too.
const (
	// MaxValueBytes bounds one string, or one serialized value or output.
	MaxValueBytes = 8 * 128 * 1024
	// MaxEvalBytes bounds what the Go-side functions of one evaluation
	// build in total (strings by their length, array elements at 16 bytes).
	MaxEvalBytes = 64 * 128 * 1024
	// elementBytes is what an array element counts for.
	elementBytes = 16
)

// charge accounts n bytes about to be built by a Go-side function, failing
// the evaluation past a limit; it also stops Go-side work once the time
// limit has interrupted the evaluation (goja's Interrupt stops only
// JavaScript).
func (r *rt) charge(n int) {
	if r.stop.Load() {
		r.fail(ErrTimeout)
	}
	if n > MaxValueBytes || r.used+n > MaxEvalBytes {
		r.fail(ErrTooLarge)
	}
	r.used += n
}

// tick is charge(0) for Go-side loops: it only checks the time limit.
func (r *rt) tick() {
	if r.stop.Load() {
		r.fail(ErrTimeout)
	}
}
