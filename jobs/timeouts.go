package jobs

import (
	"context"
	"maps"
	"slices"
	"time"
)

// Tick advances every timer to the clock's current time: an IN_PROGRESS
// execution past its in-progress or step deadline becomes TIMED_OUT
// (with jobs/notify and the timed_out event), a SCHEDULED job whose
// startTime passed starts, and rollouts queue the executions their rate
// now allows. The Service owns no goroutine or timer: the composition
// root calls Tick, for instance from a time.Ticker, or at NextWakeup;
// tests call it after moving a fake clock.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-timeout-timers
func (s *Service) Tick(ctx context.Context) error {
	if err := s.lock(); err != nil {
		return err
	}
	b := s.begin()
	for _, id := range slices.Sorted(maps.Keys(s.jobs)) {
		s.tickJob(s.jobs[id], b)
	}
	msgs := b.finish()
	s.mu.Unlock()
	s.flush(ctx, msgs)
	return nil
}

// tickJob advances one job's timers; the caller holds the lock.
func (s *Service) tickJob(j *job, b *batch) {
	if j.status == JobScheduled && !b.now.Before(j.startAt) {
		s.startRollout(j, b)
	}
	for _, e := range j.allExecs() {
		if d := e.deadline(); e.status == ExecInProgress && !d.IsZero() && !b.now.Before(d) {
			// UNCONFIRMED: a timeout bumps versionNumber like any change.
			e.versionNumber++
			s.setStatus(j, e, ExecTimedOut, b)
		}
	}
	if j.status == JobInProgress {
		s.release(j, b)
	}
	s.settle(j, b)
}

// NextWakeup returns the earliest time at which Tick has work to do: a
// deadline, a scheduled start or the next rollout minute; false when there
// is none.
func (s *Service) NextWakeup() (time.Time, bool) {
	if s.lock() != nil {
		return time.Time{}, false
	}
	defer s.mu.Unlock()
	var next time.Time
	earlier := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, j := range s.jobs {
		if j.status == JobScheduled {
			earlier(j.startAt)
		}
		if j.status == JobInProgress && len(j.pending) > 0 && j.rate.perMinute > 0 {
			earlier(j.rate.windowStart.Add(time.Minute))
		}
		for _, e := range j.allExecs() {
			if e.status == ExecInProgress {
				earlier(e.deadline())
			}
		}
	}
	return next, !next.IsZero()
}
