package broker

import (
	"errors"
	"fmt"
	"time"
)

// withDefaults sets every zero limit to AWS's value.
// AWS: iot-core.html#message-broker-limits (broker.md §1.13); keep-alive,
// client ID and per-SUBSCRIBE values from [LIM-2020]; Receive Maximum from
// the 100 unacknowledged QoS 1 quota; Topic Alias Maximum 8 (mqtt.html#mqtt5).
func (l Limits) withDefaults() Limits {
	setInt := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	setInt(&l.PayloadBytes, 128*1024)
	setInt(&l.TopicBytes, 256)
	setInt(&l.TopicLevels, 8)
	setInt(&l.ClientIDBytes, 128)
	setInt(&l.FiltersPerSubscribe, 8)
	setInt(&l.SubscriptionsPerConnection, 50)
	setDur := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	setDur(&l.KeepAliveMin, 30*time.Second)
	setDur(&l.KeepAliveMax, 1200*time.Second)
	setDur(&l.SessionExpiry, time.Hour)
	if l.ReceiveMaximum == 0 {
		l.ReceiveMaximum = 100
	}
	if l.TopicAliasMaximum == 0 {
		l.TopicAliasMaximum = 8
	}
	return l
}

func (l Limits) validate() []error {
	var errs []error
	if l.PayloadBytes < 0 || l.TopicBytes < 0 || l.TopicLevels < 0 || l.ClientIDBytes < 0 ||
		l.FiltersPerSubscribe < 0 || l.SubscriptionsPerConnection < 0 {
		errs = append(errs, errors.New("limits must not be negative"))
	}
	if l.KeepAliveMin < time.Second || l.KeepAliveMax > 65535*time.Second || l.KeepAliveMin > l.KeepAliveMax {
		errs = append(errs, fmt.Errorf("keep-alive range [%v, %v] must lie within [1s, 65535s]", l.KeepAliveMin, l.KeepAliveMax))
	}
	if l.SessionExpiry < time.Second || l.SessionExpiry > 7*24*time.Hour {
		errs = append(errs, fmt.Errorf("session expiry %v must lie within [1s, 7 days]", l.SessionExpiry))
	}
	return errs
}

// keepAlive returns the keep-alive AWS applies to a requested one.
// AWS: iot-core.html#message-broker-limits "30 - 1200 seconds"; re:Post
// QU_ER8srIYQRaZNNH9od_Q1g "any value less than 30 as 30"; 0 → 1200 (broker.md §1.3).
func (l Limits) keepAlive(requested uint16) uint16 {
	lo, hi := uint16(l.KeepAliveMin/time.Second), uint16(l.KeepAliveMax/time.Second)
	switch {
	case requested == 0 || requested > hi:
		return hi
	case requested < lo:
		return lo
	}
	return requested
}
