package clock_test

import (
	"testing"
	"time"

	"github.com/iotemu/iotemu/clock"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestFakeAdvanceFiresInDeadlineOrder(t *testing.T) {
	c := clock.NewFake(t0)
	var got []string
	var at []time.Time
	c.AfterFunc(2*time.Second, func() { got = append(got, "b"); at = append(at, c.Now()) })
	c.AfterFunc(time.Second, func() {
		got = append(got, "a")
		at = append(at, c.Now())
		// A callback may arm a timer that falls due within the same Advance.
		c.AfterFunc(1500*time.Millisecond, func() { got = append(got, "c"); at = append(at, c.Now()) })
	})
	stopped := c.AfterFunc(time.Second, func() { got = append(got, "stopped") })
	if !stopped.Stop() {
		t.Fatal("Stop of an armed timer returned false")
	}
	c.Advance(500 * time.Millisecond)
	if len(got) != 0 {
		t.Fatalf("fired early: %v", got)
	}
	c.Advance(3 * time.Second)
	if want := []string{"a", "b", "c"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("order %v, want %v", got, want)
	}
	want := []time.Time{t0.Add(time.Second), t0.Add(2 * time.Second), t0.Add(2500 * time.Millisecond)}
	for i := range want {
		if !at[i].Equal(want[i]) {
			t.Errorf("callback %d saw Now %v, want %v", i, at[i], want[i])
		}
	}
	if !c.Now().Equal(t0.Add(3500 * time.Millisecond)) {
		t.Errorf("Now %v after advancing 3.5 s", c.Now())
	}
	if c.Pending() != 0 {
		t.Errorf("%d timers still pending", c.Pending())
	}
}

func TestFakeTimerAndTicker(t *testing.T) {
	c := clock.NewFake(t0)
	tm := c.NewTimer(time.Minute)
	select {
	case <-tm.C():
		t.Fatal("timer fired before Advance")
	default:
	}
	c.Advance(time.Minute)
	if v := <-tm.C(); !v.Equal(t0.Add(time.Minute)) {
		t.Errorf("timer value %v", v)
	}
	if tm.Reset(time.Second) {
		t.Error("Reset of a fired timer reported it armed")
	}
	c.Advance(time.Second)
	<-tm.C()

	tk := c.NewTicker(time.Second)
	defer tk.Stop()
	c.Advance(time.Hour) // 3600 ticks, one delivered
	<-tk.C()
	select {
	case <-tk.C():
		t.Fatal("a missed tick was queued")
	default:
	}
	c.Advance(time.Second)
	<-tk.C()
	tk.Stop()
	if c.Pending() != 0 {
		t.Errorf("%d timers pending after Stop", c.Pending())
	}
}

func TestFakeSetAndRefusals(t *testing.T) {
	c := clock.NewFake(t0)
	fired := false
	c.AfterFunc(24*time.Hour, func() { fired = true })
	c.Set(t0.Add(24 * time.Hour))
	if !fired {
		t.Error("Set did not fire the due timer")
	}
	for name, f := range map[string]func(){
		"Advance(-1)": func() { c.Advance(-time.Second) },
		"Set(past)":   func() { c.Set(t0) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}

func TestRealAndIsReal(t *testing.T) {
	if !clock.IsReal(nil) || !clock.IsReal(clock.Real{}) || clock.IsReal(clock.NewFake(t0)) {
		t.Error("IsReal")
	}
	done := make(chan struct{})
	clock.OrReal(nil).AfterFunc(0, func() { close(done) })
	<-done
	if d := clock.Since(clock.NewFake(t0), t0.Add(-time.Minute)); d != time.Minute {
		t.Errorf("Since %v", d)
	}
}

// TestFakeTickerLongAdvance: a year's Advance delivers one tick of a 1 s
// ticker without stepping through every second, and the ticker keeps its
// phase.
func TestFakeTickerLongAdvance(t *testing.T) {
	c := clock.NewFake(t0)
	tk := c.NewTicker(time.Second)
	defer tk.Stop()
	c.Advance(365*24*time.Hour + 500*time.Millisecond)
	<-tk.C()
	if d, _ := c.NextDeadline(); !d.Equal(t0.Add(365*24*time.Hour + time.Second)) {
		t.Fatalf("next tick at %v", d)
	}
}
