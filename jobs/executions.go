package jobs

import (
	"cmp"
	"context"
	"slices"
)

// ListJobExecutionsForJobInput is the ListJobExecutionsForJob request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListJobExecutionsForJob.html#API_ListJobExecutionsForJob_RequestSyntax
type ListJobExecutionsForJobInput struct {
	JobID      string
	Status     string
	MaxResults int
	NextToken  string
}

// ListJobExecutionsForJobOutput is the ListJobExecutionsForJob response.
type ListJobExecutionsForJobOutput struct {
	ExecutionSummaries []JobExecutionSummaryForJob `json:"executionSummaries"`
	NextToken          string                      `json:"nextToken,omitempty"`
}

// ListJobExecutionsForJob lists the latest execution of each target thing,
// by thing name.
func (s *Service) ListJobExecutionsForJob(_ context.Context, in ListJobExecutionsForJobInput) (ListJobExecutionsForJobOutput, error) {
	if err := checkID("jobId", in.JobID); err != nil {
		return ListJobExecutionsForJobOutput{}, err
	}
	if err := checkPageSize(in.MaxResults); err != nil {
		return ListJobExecutionsForJobOutput{}, err
	}
	if err := s.lock(); err != nil {
		return ListJobExecutionsForJobOutput{}, err
	}
	j, err := s.jobByID(in.JobID)
	var out []JobExecutionSummaryForJob
	if err == nil {
		for _, e := range j.allExecs() {
			if e == j.latest(e.thing) && (in.Status == "" || e.status == in.Status) {
				out = append(out, JobExecutionSummaryForJob{ThingArn: s.thingARN(e.thing), JobExecutionSummary: execSummary(e)})
			}
		}
	}
	s.mu.Unlock()
	if err != nil {
		return ListJobExecutionsForJobOutput{}, err
	}
	page, next, err := pageOf(out, in.NextToken, in.MaxResults)
	if err != nil {
		return ListJobExecutionsForJobOutput{}, err
	}
	return ListJobExecutionsForJobOutput{ExecutionSummaries: nonNil(page), NextToken: next}, nil
}

// ListJobExecutionsForThingInput is the ListJobExecutionsForThing request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListJobExecutionsForThing.html#API_ListJobExecutionsForThing_RequestSyntax
type ListJobExecutionsForThingInput struct {
	ThingName   string
	Status      string
	NamespaceID string
	MaxResults  int
	NextToken   string
	JobID       string
}

// ListJobExecutionsForThingOutput is the ListJobExecutionsForThing response.
type ListJobExecutionsForThingOutput struct {
	ExecutionSummaries []JobExecutionSummaryForThing `json:"executionSummaries"`
	NextToken          string                        `json:"nextToken,omitempty"`
}

// ListJobExecutionsForThing lists the thing's executions, newest job
// first (UNCONFIRMED order).
func (s *Service) ListJobExecutionsForThing(_ context.Context, in ListJobExecutionsForThingInput) (ListJobExecutionsForThingOutput, error) {
	if err := checkThingName(in.ThingName); err != nil {
		return ListJobExecutionsForThingOutput{}, err
	}
	if err := checkPageSize(in.MaxResults); err != nil {
		return ListJobExecutionsForThingOutput{}, err
	}
	if err := s.lock(); err != nil {
		return ListJobExecutionsForThingOutput{}, err
	}
	var list []*execution
	for id := range s.byThing[in.ThingName] {
		j := s.jobs[id]
		if (in.JobID == "" || in.JobID == id) && (in.NamespaceID == "" || in.NamespaceID == j.namespaceID) {
			if e := j.latest(in.ThingName); in.Status == "" || e.status == in.Status {
				list = append(list, e)
			}
		}
	}
	slices.SortFunc(list, func(a, b *execution) int { return cmp.Compare(b.seq, a.seq) })
	out := make([]JobExecutionSummaryForThing, 0, len(list))
	for _, e := range list {
		out = append(out, JobExecutionSummaryForThing{JobID: e.jobID, JobExecutionSummary: execSummary(e)})
	}
	s.mu.Unlock()
	page, next, err := pageOf(out, in.NextToken, in.MaxResults)
	if err != nil {
		return ListJobExecutionsForThingOutput{}, err
	}
	return ListJobExecutionsForThingOutput{ExecutionSummaries: page, NextToken: next}, nil
}

// execSummary is the control-plane summary of an execution.
func execSummary(e *execution) JobExecutionSummary {
	return JobExecutionSummary{
		Status: e.status, QueuedAt: ts(e.queuedAt), StartedAt: ts(e.startedAt), LastUpdatedAt: ts(e.lastUpdatedAt),
		ExecutionNumber: e.executionNumber, RetryAttempt: e.retryAttempt,
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// DescribeJobExecutionOutput is the control-plane DescribeJobExecution response.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeJobExecution.html#API_DescribeJobExecution_ResponseSyntax
type DescribeJobExecutionOutput struct {
	Execution JobExecution `json:"execution"`
}

// DescribeJobExecution returns one execution (the latest when
// executionNumber is 0), terminal or not.
func (s *Service) DescribeJobExecution(_ context.Context, jobID, thingName string, executionNumber int64) (DescribeJobExecutionOutput, error) {
	if err := checkID("jobId", jobID); err != nil {
		return DescribeJobExecutionOutput{}, err
	}
	if err := checkThingName(thingName); err != nil {
		return DescribeJobExecutionOutput{}, err
	}
	if err := s.lock(); err != nil {
		return DescribeJobExecutionOutput{}, err
	}
	defer s.mu.Unlock()
	e, err := s.execOf(thingName, jobID, executionNumber)
	if err != nil {
		return DescribeJobExecutionOutput{}, err
	}
	return DescribeJobExecutionOutput{Execution: s.controlExecution(e)}, nil
}

// controlExecution is the control-plane view of an execution.
func (s *Service) controlExecution(e *execution) JobExecution {
	ex := JobExecution{
		JobID: e.jobID, Status: e.status, ForceCanceled: e.forceCanceled, ThingArn: s.thingARN(e.thing),
		QueuedAt: ts(e.queuedAt), StartedAt: ts(e.startedAt), LastUpdatedAt: ts(e.lastUpdatedAt),
		ExecutionNumber: e.executionNumber, VersionNumber: e.versionNumber,
		ApproximateSecondsBeforeTimedOut: secondsLeft(e, s.cfg.Now()),
	}
	if d := e.details(); d != nil {
		ex.StatusDetails = &JobExecutionStatusDetails{DetailsMap: d}
	}
	return ex
}
