package clock

import "time"

// Clock is what the emulator reads time from.
type Clock interface {
	// Now is the current time.
	Now() time.Time
	// NewTimer is time.NewTimer on this clock.
	NewTimer(d time.Duration) Timer
	// AfterFunc is time.AfterFunc on this clock: f runs once d has passed.
	AfterFunc(d time.Duration, f func()) Timer
	// NewTicker is time.NewTicker on this clock (d > 0).
	NewTicker(d time.Duration) Ticker
}

// Timer is a time.Timer of a Clock. C is nil for an AfterFunc timer.
type Timer interface {
	C() <-chan time.Time
	// Stop and Reset follow time.Timer (Go 1.23 semantics: no stale value
	// is received after either returns).
	Stop() bool
	Reset(d time.Duration) bool
}

// Ticker is a time.Ticker of a Clock.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

// Real is the wall clock (package time).
type Real struct{}

var _ Clock = Real{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// NewTimer returns a time.Timer.
func (Real) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

// AfterFunc returns a time.AfterFunc timer.
func (Real) AfterFunc(d time.Duration, f func()) Timer { return realTimer{time.AfterFunc(d, f)} }

// NewTicker returns a time.Ticker.
func (Real) NewTicker(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} }

type realTimer struct{ t *time.Timer }

func (t realTimer) C() <-chan time.Time        { return t.t.C }
func (t realTimer) Stop() bool                 { return t.t.Stop() }
func (t realTimer) Reset(d time.Duration) bool { return t.t.Reset(d) }

type realTicker struct{ t *time.Ticker }

func (t realTicker) C() <-chan time.Time { return t.t.C }
func (t realTicker) Stop()               { t.t.Stop() }

// OrReal returns c, or Real when c is nil.
func OrReal(c Clock) Clock {
	if c == nil {
		return Real{}
	}
	return c
}

// IsReal reports whether c is the wall clock (nil or Real). The broker
// uses it to leave to mochi what mochi already does on the wall clock.
func IsReal(c Clock) bool {
	switch c.(type) {
	case nil, Real, *Real:
		return true
	}
	return false
}

// Since is time.Since on c.
func Since(c Clock, t time.Time) time.Duration { return c.Now().Sub(t) }
