package jobs

import (
	"slices"
	"strings"
	"time"
)

// The whole service at once, for the emulator's state and reset API (an
// iotemu extension; AWS has no such operation).

// JobState is one job and its executions as the state API shows them.
type JobState struct {
	JobID      string              `json:"jobId"`
	JobARN     string              `json:"jobArn"`
	Status     string              `json:"status"`
	Targets    []string            `json:"targets"`
	CreatedAt  time.Time           `json:"createdAt"`
	Executions []JobExecutionState `json:"executions"`
}

// JobExecutionState is one execution of a job.
type JobExecutionState struct {
	ThingName       string    `json:"thingName"`
	ExecutionNumber int64     `json:"executionNumber"`
	Status          string    `json:"status"`
	VersionNumber   int64     `json:"versionNumber"`
	QueuedAt        time.Time `json:"queuedAt"`
}

// States returns every job, in creation order, with its executions by
// thing name then execution number.
func (s *Service) States() []JobState {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := make([]*job, 0, len(s.jobs))
	for _, j := range s.jobs {
		all = append(all, j)
	}
	slices.SortFunc(all, func(a, b *job) int {
		if a.seq != b.seq {
			return int(a.seq - b.seq)
		}
		return strings.Compare(a.id, b.id)
	})
	out := make([]JobState, 0, len(all))
	for _, j := range all {
		js := JobState{JobID: j.id, JobARN: j.arn, Status: j.status, Targets: slices.Clone(j.targets),
			CreatedAt: j.createdAt, Executions: []JobExecutionState{}}
		if js.Targets == nil {
			js.Targets = []string{}
		}
		for _, e := range j.allExecs() {
			js.Executions = append(js.Executions, JobExecutionState{ThingName: e.thing, ExecutionNumber: e.executionNumber,
				Status: e.status, VersionNumber: e.versionNumber, QueuedAt: e.queuedAt})
		}
		out = append(out, js)
	}
	return out
}

// Reset forgets every job, execution and job template; no event or
// notification is published (the emulator's reset API).
func (s *Service) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs = make(map[string]*job)
	s.templates = make(map[string]*template)
	s.byThing = make(map[string]map[string]bool)
}
