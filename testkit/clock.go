package testkit

import (
	"time"

	"github.com/iotemu/iotemu/clock"
	"github.com/iotemu/iotemu/emulator"
)

// WithClock makes c the emulator's source of time (emulator.Config.Clock):
// keep-alive, session and message expiry, job timeouts, authorizer and
// WebSocket lifetimes, API Gateway limits, SigV4 windows and certificate
// validity all follow it. With a *clock.Fake a test moves time with
// Advance instead of waiting:
//
//	fake := clock.NewFake(time.Now())
//	emu := testkit.Start(t, testkit.WithClock(fake))
//	fake.Advance(5 * time.Minute)
func WithClock(c clock.Clock) Option {
	return WithConfig(func(cfg *emulator.Config) { cfg.Clock = c })
}

// NewFakeClock returns a fake clock standing at the wall clock's present,
// the usual start: certificates and signatures made by real clients, which
// read the wall clock, are then valid on it too.
func NewFakeClock() *clock.Fake { return clock.NewFake(time.Now()) }
