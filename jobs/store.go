package jobs

import (
	"maps"
	"slices"
	"time"
)

// job is the stored state of a job.
type job struct {
	id, arn         string
	targets         []string
	targetSelection string
	status          string
	forceCanceled   bool
	reasonCode      string
	comment         string
	description     string
	// document is the document after documentParameters substitution;
	// docBefore before it.
	document, docBefore string
	documentSource      string
	presigned           *PresignedUrlConfig
	rollout             *JobExecutionsRolloutConfig
	abort               *AbortConfig
	timeout             *TimeoutConfig
	retry               *JobExecutionsRetryConfig
	scheduling          *SchedulingConfig
	tags                []Tag
	namespaceID         string
	templateARN         string
	documentParameters  map[string]string
	destinationPkgs     []string
	createdAt           time.Time
	lastUpdatedAt       time.Time
	completedAt         time.Time
	startAt             time.Time // SCHEDULED jobs start then
	seq                 int64
	// execs holds the executions of each thing, ascending executionNumber.
	execs map[string][]*execution
	// pending are the things waiting for the rollout to queue them.
	pending []string
	rate    rolloutState
}

// execution is the stored state of one job execution.
type execution struct {
	jobID           string
	thing           string
	status          string
	forceCanceled   bool
	statusDetails   map[string]string
	queuedAt        time.Time
	startedAt       time.Time
	lastUpdatedAt   time.Time
	executionNumber int64
	versionNumber   int64
	retryAttempt    int
	// inProgressDeadline and stepDeadline are zero when not running.
	inProgressDeadline time.Time
	stepDeadline       time.Time
	seq                int64
}

// latest returns the thing's latest execution of the job, or nil.
func (j *job) latest(thing string) *execution {
	list := j.execs[thing]
	if len(list) == 0 {
		return nil
	}
	return list[len(list)-1]
}

// find returns the execution number n (the latest when n is 0), or nil.
func (j *job) find(thing string, n int64) *execution {
	if n == 0 {
		return j.latest(thing)
	}
	for _, e := range j.execs[thing] {
		if e.executionNumber == n {
			return e
		}
	}
	return nil
}

// allExecs returns every execution of the job, by thing name then number.
func (j *job) allExecs() []*execution {
	var out []*execution
	for _, thing := range slices.Sorted(maps.Keys(j.execs)) {
		out = append(out, j.execs[thing]...)
	}
	return out
}

// deadline is when the execution times out, or zero.
func (e *execution) deadline() time.Time {
	d := e.inProgressDeadline
	if !e.stepDeadline.IsZero() && (d.IsZero() || e.stepDeadline.Before(d)) {
		d = e.stepDeadline
	}
	return d
}

// details returns a copy of the status details, nil when empty.
func (e *execution) details() map[string]string {
	if len(e.statusDetails) == 0 {
		return nil
	}
	return maps.Clone(e.statusDetails)
}

// nextSeq returns a new sequence number (creation order).
func (s *Service) nextSeq() int64 {
	s.seq++
	return s.seq
}

// addExecution queues a new execution of j for thing.
func (s *Service) addExecution(j *job, thing string, now time.Time, retryAttempt int) *execution {
	n := int64(1)
	if last := j.latest(thing); last != nil {
		// UNCONFIRMED (U7): a new execution of the same job on the same
		// thing takes the next number.
		n = last.executionNumber + 1
	}
	e := &execution{
		jobID: j.id, thing: thing, status: ExecQueued,
		queuedAt: now, lastUpdatedAt: now,
		executionNumber: n, versionNumber: 1, retryAttempt: retryAttempt,
		seq: s.nextSeq(),
	}
	j.execs[thing] = append(j.execs[thing], e)
	if s.byThing[thing] == nil {
		s.byThing[thing] = make(map[string]bool)
	}
	s.byThing[thing][j.id] = true
	return e
}

// removeJob forgets a job and its executions.
func (s *Service) removeJob(j *job) {
	for thing := range j.execs {
		delete(s.byThing[thing], j.id)
		if len(s.byThing[thing]) == 0 {
			delete(s.byThing, thing)
		}
	}
	delete(s.jobs, j.id)
}

// removeExecution forgets one execution.
func (s *Service) removeExecution(j *job, e *execution) {
	list := slices.DeleteFunc(j.execs[e.thing], func(x *execution) bool { return x == e })
	if len(list) > 0 {
		j.execs[e.thing] = list
		return
	}
	delete(j.execs, e.thing)
	delete(s.byThing[e.thing], j.id)
	if len(s.byThing[e.thing]) == 0 {
		delete(s.byThing, e.thing)
	}
}

// cloneConfig returns a deep copy of a configuration pointer.
func cloneRollout(c *JobExecutionsRolloutConfig) *JobExecutionsRolloutConfig {
	if c == nil {
		return nil
	}
	cp := *c
	if c.ExponentialRate != nil {
		er := *c.ExponentialRate
		cp.ExponentialRate = &er
	}
	return &cp
}

func cloneAbort(c *AbortConfig) *AbortConfig {
	if c == nil {
		return nil
	}
	return &AbortConfig{CriteriaList: slices.Clone(c.CriteriaList)}
}

func cloneRetry(c *JobExecutionsRetryConfig) *JobExecutionsRetryConfig {
	if c == nil {
		return nil
	}
	return &JobExecutionsRetryConfig{CriteriaList: slices.Clone(c.CriteriaList)}
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}
