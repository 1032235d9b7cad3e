// Package clock is the emulator's one source of time: every time-dependent
// AWS behaviour (keep-alive, session and message expiry, the thing-type
// deprecation wait, job timeouts and rollouts, custom-authorizer and
// WebSocket lifetimes, API Gateway limits, SigV4 date windows, certificate
// validity) reads a Clock instead of package time, so that a test can
// replace the wall clock with a Fake and Advance it instead of waiting.
//
// Real is the wall clock. Fake stands still until Advance (or Set) moves
// it; Advance fires every timer that falls due, in deadline order, before
// it returns: AfterFunc callbacks run on the calling goroutine, channel
// timers and tickers get their value (a ticker that falls due several
// times in one Advance delivers one tick, as a real ticker drops ticks a
// slow receiver missed).
package clock
