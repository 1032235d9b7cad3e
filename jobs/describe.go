package jobs

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// DescribeJobOutput is the DescribeJob response.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeJob.html#API_DescribeJob_ResponseSyntax
type DescribeJobOutput struct {
	DocumentSource string `json:"documentSource,omitempty"`
	Job            Job    `json:"job"`
}

// DescribeJob returns a job. beforeSubstitution has no effect on the
// returned shape: DescribeJob carries no document.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeJob.html
func (s *Service) DescribeJob(_ context.Context, jobID string) (DescribeJobOutput, error) {
	if err := checkID("jobId", jobID); err != nil {
		return DescribeJobOutput{}, err
	}
	if err := s.lock(); err != nil {
		return DescribeJobOutput{}, err
	}
	defer s.mu.Unlock()
	j, err := s.jobByID(jobID)
	if err != nil {
		return DescribeJobOutput{}, err
	}
	return DescribeJobOutput{DocumentSource: j.documentSource, Job: s.jobView(j)}, nil
}

// jobView is the Job shape of a stored job.
func (s *Service) jobView(j *job) Job {
	return Job{
		JobArn: j.arn, JobID: j.id, TargetSelection: j.targetSelection, Status: j.status,
		ForceCanceled: j.forceCanceled, ReasonCode: j.reasonCode, Comment: j.comment,
		Targets: slices.Clone(j.targets), Description: j.description,
		PresignedUrlConfig: clonePtr(j.presigned), JobExecutionsRolloutConfig: cloneRollout(j.rollout),
		AbortConfig: cloneAbort(j.abort), CreatedAt: ts(j.createdAt), LastUpdatedAt: ts(j.lastUpdatedAt),
		CompletedAt: ts(j.completedAt), JobProcessDetails: s.processDetails(j),
		TimeoutConfig: clonePtr(j.timeout), NamespaceID: j.namespaceID, JobTemplateArn: j.templateARN,
		JobExecutionsRetryConfig: cloneRetry(j.retry), DocumentParameters: cloneMap(j.documentParameters),
		IsConcurrent: len(j.pending) > 0, SchedulingConfig: clonePtr(j.scheduling),
		DestinationPackageVersions: slices.Clone(j.destinationPkgs),
	}
}

// GetJobDocumentOutput is the GetJobDocument response.
type GetJobDocumentOutput struct {
	Document string `json:"document"`
}

// GetJobDocument returns the stored document, without presigned-URL
// substitution (UNCONFIRMED: substitution happens only for devices);
// beforeSubstitution returns it before documentParameters substitution.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_GetJobDocument.html#iot-GetJobDocument-request-beforeSubstitution
func (s *Service) GetJobDocument(_ context.Context, jobID string, beforeSubstitution bool) (GetJobDocumentOutput, error) {
	if err := checkID("jobId", jobID); err != nil {
		return GetJobDocumentOutput{}, err
	}
	if err := s.lock(); err != nil {
		return GetJobDocumentOutput{}, err
	}
	defer s.mu.Unlock()
	j, err := s.jobByID(jobID)
	if err != nil {
		return GetJobDocumentOutput{}, err
	}
	if beforeSubstitution {
		return GetJobDocumentOutput{Document: j.docBefore}, nil
	}
	return GetJobDocumentOutput{Document: j.document}, nil
}

// ListJobsInput is the ListJobs request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListJobs.html#API_ListJobs_RequestSyntax
type ListJobsInput struct {
	Status          string
	TargetSelection string
	MaxResults      int
	NextToken       string
	ThingGroupName  string
	ThingGroupID    string
	NamespaceID     string
}

// ListJobsOutput is the ListJobs response.
type ListJobsOutput struct {
	Jobs      []JobSummary `json:"jobs"`
	NextToken string       `json:"nextToken,omitempty"`
}

// ListJobs lists jobs newest first (UNCONFIRMED), filters combined with
// AND. thingGroupName matches jobs with that group among their targets;
// thingGroupId is not supported (the package knows group names only) and
// answers InvalidRequestException.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListJobs.html
func (s *Service) ListJobs(_ context.Context, in ListJobsInput) (ListJobsOutput, error) {
	if err := checkPageSize(in.MaxResults); err != nil {
		return ListJobsOutput{}, err
	}
	if in.ThingGroupID != "" {
		return ListJobsOutput{}, errorf(InvalidRequest, "iotemu does not support the thingGroupId filter; use thingGroupName")
	}
	if err := s.lock(); err != nil {
		return ListJobsOutput{}, err
	}
	var list []*job
	for _, j := range s.jobs {
		if jobMatches(j, in) {
			list = append(list, j)
		}
	}
	slices.SortFunc(list, func(a, b *job) int { return cmp.Compare(b.seq, a.seq) })
	out := make([]JobSummary, 0, len(list))
	for _, j := range list {
		out = append(out, s.summaryView(j))
	}
	s.mu.Unlock()
	page, next, err := pageOf(out, in.NextToken, in.MaxResults)
	if err != nil {
		return ListJobsOutput{}, err
	}
	return ListJobsOutput{Jobs: page, NextToken: next}, nil
}

// jobMatches applies the ListJobs filters.
func jobMatches(j *job, in ListJobsInput) bool {
	if in.Status != "" && j.status != in.Status {
		return false
	}
	if in.TargetSelection != "" && j.targetSelection != in.TargetSelection {
		return false
	}
	if in.NamespaceID != "" && j.namespaceID != in.NamespaceID {
		return false
	}
	if in.ThingGroupName != "" {
		return slices.ContainsFunc(j.targets, func(t string) bool {
			return strings.HasSuffix(t, ":thinggroup/"+in.ThingGroupName)
		})
	}
	return true
}

// summaryView is the JobSummary of a job.
func (s *Service) summaryView(j *job) JobSummary {
	return JobSummary{
		JobArn: j.arn, JobID: j.id, TargetSelection: j.targetSelection, Status: j.status,
		CreatedAt: ts(j.createdAt), LastUpdatedAt: ts(j.lastUpdatedAt), CompletedAt: ts(j.completedAt),
		IsConcurrent: len(j.pending) > 0,
	}
}

func cloneMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
