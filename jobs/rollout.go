package jobs

import (
	"math"
	"time"
)

// Rollout limits. AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_JobExecutionsRolloutConfig.html#API_JobExecutionsRolloutConfig_Contents
const (
	maxRolloutPerMinute = 1000
	minIncrementFactor  = 1.1
	maxIncrementFactor  = 5
)

// rolloutState tracks how many executions a job may still queue in the
// current minute.
type rolloutState struct {
	windowStart time.Time
	inWindow    int
	perMinute   float64
	// notifiedAtIncrease and succeededAtIncrease are the counts at the
	// last exponential increase.
	notifiedAtIncrease, succeededAtIncrease int
}

// checkRollout validates a jobExecutionsRolloutConfig.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ExponentialRolloutRate.html#API_ExponentialRolloutRate_Contents
func checkRollout(c *JobExecutionsRolloutConfig) error {
	if c == nil {
		return nil
	}
	if c.MaximumPerMinute < 0 || c.MaximumPerMinute > maxRolloutPerMinute {
		return validation("jobExecutionsRolloutConfig.maximumPerMinute", "Member must have value between 1 and 1000")
	}
	er := c.ExponentialRate
	if er == nil {
		return nil
	}
	if er.BaseRatePerMinute < 1 || er.BaseRatePerMinute > maxRolloutPerMinute {
		return validation("jobExecutionsRolloutConfig.exponentialRate.baseRatePerMinute", "Member must have value between 1 and 1000")
	}
	if er.IncrementFactor < minIncrementFactor || er.IncrementFactor > maxIncrementFactor {
		return validation("jobExecutionsRolloutConfig.exponentialRate.incrementFactor", "Member must have value between 1.1 and 5")
	}
	crit := er.RateIncreaseCriteria
	if (crit.NumberOfNotifiedThings > 0) == (crit.NumberOfSucceededThings > 0) {
		return errorf(InvalidRequest, "rateIncreaseCriteria must set exactly one of numberOfNotifiedThings and numberOfSucceededThings")
	}
	return nil
}

// startRollout starts a job: IN_PROGRESS, first minute of the rollout.
// The caller holds the lock.
func (s *Service) startRollout(j *job, b *batch) {
	j.status = JobInProgress
	j.rate = rolloutState{windowStart: b.now, perMinute: initialRate(j.rollout)}
	s.release(j, b)
	s.settle(j, b)
}

// initialRate is the first per-minute rate, 0 for no limit.
func initialRate(c *JobExecutionsRolloutConfig) float64 {
	switch {
	case c == nil:
		return 0
	case c.ExponentialRate != nil:
		return float64(c.ExponentialRate.BaseRatePerMinute)
	default:
		return float64(c.MaximumPerMinute)
	}
}

// release queues the pending things the rollout rate allows now: all of
// them without a rate; at most the rate per minute otherwise, the rate of
// an exponential rollout multiplied by incrementFactor each time its
// criterion is met. The emulator counts whole minutes since the rollout
// started, advanced by Tick.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-rollout-using
func (s *Service) release(j *job, b *batch) {
	r := &j.rate
	for r.perMinute > 0 && !b.now.Before(r.windowStart.Add(time.Minute)) {
		r.windowStart = r.windowStart.Add(time.Minute)
		r.inWindow = 0
		s.increaseRate(j)
	}
	for len(j.pending) > 0 && j.status == JobInProgress {
		if r.perMinute > 0 && float64(r.inWindow) >= math.Floor(r.perMinute) {
			return
		}
		thing := j.pending[0]
		j.pending = j.pending[1:]
		b.touch(thing)
		s.addExecution(j, thing, b.now, 0)
		r.inWindow++
	}
}

// increaseRate applies an exponential rollout's increment, from the next
// minute on, when its criterion was met during the last one.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_RateIncreaseCriteria.html#API_RateIncreaseCriteria_Contents
func (s *Service) increaseRate(j *job) {
	if j.rollout == nil || j.rollout.ExponentialRate == nil {
		return
	}
	er := j.rollout.ExponentialRate
	notified, succeeded := len(j.execs), countStatus(j, ExecSucceeded)
	crit := er.RateIncreaseCriteria
	hit := (crit.NumberOfNotifiedThings > 0 && notified-j.rate.notifiedAtIncrease >= crit.NumberOfNotifiedThings) ||
		(crit.NumberOfSucceededThings > 0 && succeeded-j.rate.succeededAtIncrease >= crit.NumberOfSucceededThings)
	if !hit {
		return
	}
	j.rate.notifiedAtIncrease, j.rate.succeededAtIncrease = notified, succeeded
	j.rate.perMinute = math.Min(math.Ceil(j.rate.perMinute*er.IncrementFactor), maxRolloutPerMinute)
}

// countStatus counts the things whose latest execution has status.
func countStatus(j *job, status string) int {
	n := 0
	for thing := range j.execs {
		if j.latest(thing).status == status {
			n++
		}
	}
	return n
}
