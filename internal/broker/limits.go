package broker

import (
	"errors"
	"fmt"
	"time"
)

// Limits are AWS IoT Core's message broker limits; the zero value of each
// field means AWS's documented default. Tests shorten the durations.
// AWS: https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits
type Limits struct {
	PayloadBytes int // per PUBLISH, default 131072 (128 KB)
	TopicBytes   int // default 256
	TopicLevels  int // default 8 (7 slashes)

	ClientIDBytes              int // default 128
	FiltersPerSubscribe        int // topic filters in one SUBSCRIBE, default 8
	SubscriptionsPerConnection int // default 50

	// KeepAliveMin and KeepAliveMax bound the keep-alive a client asks for
	// (whole seconds; default 30 s and 1200 s). A keep-alive of 0 becomes
	// KeepAliveMax; the connection ends after 1.5 × the effective value
	// without a packet.
	KeepAliveMin, KeepAliveMax time.Duration

	// SessionExpiry is the account's persistent-session expiry (whole
	// seconds, default 1 h): MQTT 3.1.1 persistent sessions last this long
	// after a disconnect and a larger MQTT 5 Session Expiry Interval is
	// lowered to it in CONNACK.
	SessionExpiry time.Duration

	ReceiveMaximum    uint16 // CONNACK Receive Maximum, default 100
	TopicAliasMaximum uint16 // CONNACK Topic Alias Maximum, default 8

	// CustomAuthSecond is how long one second of a custom authorizer's
	// refreshAfterInSeconds and disconnectAfterInSeconds (300–86,400)
	// lasts; default one second. Tests shorten it (1ms: 300 s → 300 ms).
	CustomAuthSecond time.Duration

	// Isolation of one client from the others (issue 13; none is an AWS
	// figure, see docs/compatibility.md "Isolation").
	//
	// WriteTimeout bounds one socket write to a client (default 5 s): a
	// client whose socket takes nothing for that long is disconnected
	// (CONNECTION_LOST). Writes are queued and written by the connection's
	// own goroutine, so no publisher, API call or shutdown waits on them.
	WriteTimeout time.Duration
	// OutboundBytes bounds the bytes queued for one client (default 1 MiB):
	// past it QoS 0 messages are dropped and counted, QoS 1 messages stay
	// in the session unsent, and a client with more than 100 of those, or
	// twice the bound queued, is disconnected (THROTTLED, MQTT 5 DISCONNECT
	// 0x97).
	OutboundBytes int
	// ConnectTimeout bounds the time from accepting a connection to its
	// CONNECT being read (TLS handshake included), default 10 s.
	ConnectTimeout time.Duration
}

// LimitsWithDefaults sets every zero limit of l to AWS's value.
func LimitsWithDefaults(l Limits) Limits { return l.withDefaults() }

// ValidateLimits reports every problem of defaulted limits.
func ValidateLimits(l Limits) []error { return l.validate() }

// withDefaults sets every zero limit to AWS's value.
// AWS: https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits
// (keep-alive, client ID and per-SUBSCRIBE values as of 2020); Receive
// Maximum from the 100 unacknowledged QoS 1 quota; Topic Alias Maximum 8:
// https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt5
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
	setDur(&l.WriteTimeout, 5*time.Second)
	setDur(&l.ConnectTimeout, 10*time.Second)
	setInt(&l.OutboundBytes, 1<<20)
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
		l.FiltersPerSubscribe < 0 || l.SubscriptionsPerConnection < 0 || l.OutboundBytes < 0 {
		errs = append(errs, errors.New("limits must not be negative"))
	}
	if l.KeepAliveMin < time.Second || l.KeepAliveMax > 65535*time.Second || l.KeepAliveMin > l.KeepAliveMax {
		errs = append(errs, fmt.Errorf("keep-alive range [%v, %v] must lie within [1s, 65535s]", l.KeepAliveMin, l.KeepAliveMax))
	}
	if l.SessionExpiry < time.Second || l.SessionExpiry > 7*24*time.Hour {
		errs = append(errs, fmt.Errorf("session expiry %v must lie within [1s, 7 days]", l.SessionExpiry))
	}
	if l.WriteTimeout < 0 || l.ConnectTimeout < 0 {
		errs = append(errs, errors.New("write and connect timeouts must not be negative"))
	}
	return errs
}

// keepAlive returns the keep-alive AWS applies to a requested one.
// AWS: https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits
// "30 - 1200 seconds"; https://repost.aws/questions/QU_ER8srIYQRaZNNH9od_Q1g
// "any value less than 30 as 30"; 0 → 1200.
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
