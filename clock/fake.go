package clock

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Fake is a Clock that moves only when told to. The zero value is not
// usable; call NewFake.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	end     time.Time // where the Advance in progress stops
	seq     uint64    // orders timers of one deadline by creation
	waiters []*fakeTimer
	// advancing serialises Advance and Set, so that the callbacks of one
	// step have all run before the next step starts.
	advancing sync.Mutex
}

var _ Clock = (*Fake)(nil)

// NewFake returns a Fake standing at start.
func NewFake(start time.Time) *Fake { return &Fake{now: start} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Advance moves the clock forward by d (d >= 0), firing each timer that
// falls due in deadline order, with Now at that timer's deadline while it
// fires. It returns once every callback has returned.
func (f *Fake) Advance(d time.Duration) {
	if d < 0 {
		panic(fmt.Sprintf("clock: Advance(%v): the clock does not go back", d))
	}
	f.advancing.Lock()
	defer f.advancing.Unlock()
	f.mu.Lock()
	end := f.now.Add(d)
	f.mu.Unlock()
	f.runUntil(end)
}

// Set moves the clock to t, which must not be before Now, as Advance does.
func (f *Fake) Set(t time.Time) {
	f.advancing.Lock()
	defer f.advancing.Unlock()
	f.mu.Lock()
	if t.Before(f.now) {
		f.mu.Unlock()
		panic(fmt.Sprintf("clock: Set(%v) is before Now %v", t, f.now))
	}
	f.mu.Unlock()
	f.runUntil(t)
}

// runUntil fires due timers one at a time (a callback may add or stop
// timers) and then stands at end.
func (f *Fake) runUntil(end time.Time) {
	for {
		f.mu.Lock()
		f.end = end
		t := f.nextDueLocked(end)
		if t == nil {
			f.now = end
			f.mu.Unlock()
			return
		}
		f.now = t.when
		fn := t.fireLocked(f)
		f.mu.Unlock()
		if fn != nil {
			fn()
		}
	}
}

func (f *Fake) nextDueLocked(end time.Time) *fakeTimer {
	if len(f.waiters) == 0 {
		return nil
	}
	t := f.waiters[0]
	if t.when.After(end) {
		return nil
	}
	return t
}

// Pending is the number of armed timers and tickers (tests use it to know
// that the code under test has armed what it should before advancing).
func (f *Fake) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.waiters)
}

// Deadlines are the deadlines of the armed timers and tickers, earliest
// first (a test waits until the code under test has armed the one it is
// about to pass).
func (f *Fake) Deadlines() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]time.Time, len(f.waiters))
	for i, w := range f.waiters {
		out[i] = w.when
	}
	return out
}

// NextDeadline is the earliest deadline of an armed timer, if any.
func (f *Fake) NextDeadline() (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.waiters) == 0 {
		return time.Time{}, false
	}
	return f.waiters[0].when, true
}

// NewTimer returns a timer whose channel receives the fake time at its
// deadline.
func (f *Fake) NewTimer(d time.Duration) Timer {
	t := &fakeTimer{f: f, c: make(chan time.Time, 1)}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armLocked(t, d)
	return t
}

// AfterFunc returns a timer that calls fn on the advancing goroutine at its
// deadline. A d <= 0 is due at the next Advance (even Advance(0)).
func (f *Fake) AfterFunc(d time.Duration, fn func()) Timer {
	t := &fakeTimer{f: f, fn: fn}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armLocked(t, d)
	return t
}

// NewTicker returns a ticker of period d.
func (f *Fake) NewTicker(d time.Duration) Ticker {
	if d <= 0 {
		panic("clock: non-positive ticker period")
	}
	t := &fakeTimer{f: f, c: make(chan time.Time, 1), period: d}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armLocked(t, d)
	return fakeTicker{t}
}

func (f *Fake) armLocked(t *fakeTimer, d time.Duration) {
	f.removeLocked(t)
	t.when = f.now.Add(max(d, 0))
	f.seq++
	t.seq = f.seq
	t.armed = true
	i := sort.Search(len(f.waiters), func(i int) bool { return f.waiters[i].after(t) })
	f.waiters = append(f.waiters, nil)
	copy(f.waiters[i+1:], f.waiters[i:])
	f.waiters[i] = t
}

func (f *Fake) removeLocked(t *fakeTimer) bool {
	if !t.armed {
		return false
	}
	for i, w := range f.waiters {
		if w == t {
			f.waiters = append(f.waiters[:i], f.waiters[i+1:]...)
			break
		}
	}
	t.armed = false
	return true
}

type fakeTimer struct {
	f      *Fake
	c      chan time.Time // nil for AfterFunc
	fn     func()
	period time.Duration // tickers
	when   time.Time
	seq    uint64
	armed  bool
}

func (t *fakeTimer) after(o *fakeTimer) bool {
	if !t.when.Equal(o.when) {
		return t.when.After(o.when)
	}
	return t.seq > o.seq
}

// fireLocked disarms (or re-arms a ticker) and delivers; it returns the
// callback to run once the lock is released.
func (t *fakeTimer) fireLocked(f *Fake) func() {
	f.removeLocked(t)
	if t.period > 0 {
		// One tick per Advance: the next one is the first after its end
		// (a year's Advance does not step a 1 s ticker 31 million times).
		next := t.when.Add(t.period)
		if !next.After(f.end) {
			next = next.Add(f.end.Sub(next).Truncate(t.period) + t.period)
		}
		f.armLocked(t, next.Sub(f.now))
	}
	if t.fn != nil {
		return t.fn
	}
	select {
	case t.c <- f.now:
	default: // a value is waiting: the receiver missed this tick
	}
	return nil
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	t.drainLocked()
	return t.f.removeLocked(t)
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	t.drainLocked()
	was := t.armed
	t.f.armLocked(t, d)
	return was
}

// drainLocked drops an undelivered value (Go 1.23 timer semantics).
func (t *fakeTimer) drainLocked() {
	if t.c == nil {
		return
	}
	select {
	case <-t.c:
	default:
	}
}

type fakeTicker struct{ t *fakeTimer }

func (k fakeTicker) C() <-chan time.Time { return k.t.c }
func (k fakeTicker) Stop()               { k.t.Stop() }
