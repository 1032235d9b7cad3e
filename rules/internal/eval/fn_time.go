package eval

import (
	"time"
	_ "time/tzdata" // zone names for parse_time/time_to_epoch in scratch images

	"github.com/dop251/goja"
)

// timeFuncs: AWS: iot-sql-functions.html (parse_time, time_to_epoch,
// timestamp, newuuid).
func timeFuncs() map[string]sqlFunc {
	return map[string]sqlFunc{
		"parse_time":    fnParseTime,
		"time_to_epoch": fnTimeToEpoch,
		"timestamp": func(r *rt, a []goja.Value) goja.Value {
			if len(a) != 0 {
				return undef
			}
			return r.vInt64(r.env.Timestamp)
		},
		"newuuid": func(r *rt, a []goja.Value) goja.Value {
			if len(a) != 0 {
				return undef
			}
			return r.vStr(r.env.NewUUID())
		},
	}
}

// fnParseTime formats epoch milliseconds with a Joda pattern in a zone
// (default UTC). AWS: iot-sql-functions.html#iot-sql-function-parse-time.
func fnParseTime(r *rt, a []goja.Value) goja.Value {
	if len(a) != 2 && len(a) != 3 {
		return undef
	}
	pattern, ok := r.toStr(a[0])
	ms, ok2 := toInt64(a[1], roundFloor)
	if !ok || !ok2 {
		return undef
	}
	loc := time.UTC
	if len(a) == 3 {
		tz, ok := r.toStr(a[2])
		if !ok {
			return undef
		}
		l, err := r.zone(tz)
		if err != nil {
			return undef
		}
		loc = l
	}
	s, err := jodaFormat(pattern, time.UnixMilli(ms).In(loc))
	if err != nil {
		return undef
	}
	return r.vStr(s)
}

// fnTimeToEpoch parses a date-time string with a java.time pattern and
// returns epoch milliseconds. AWS: iot-sql-functions.html#iot-sql-function-time-to-epoch.
func fnTimeToEpoch(r *rt, a []goja.Value) goja.Value {
	s, ok := r.strArgs(a)
	if !ok || len(s) != 2 {
		return undef
	}
	t, err := jdkParse(s[0], s[1], r.zone)
	if err != nil {
		return undef
	}
	return r.vInt64(t.UnixMilli())
}
