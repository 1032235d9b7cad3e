package jobs

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
)

// CreateJobInput is the CreateJob request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#API_CreateJob_RequestSyntax
type CreateJobInput struct {
	JobID                      string                      `json:"-"`
	Targets                    []string                    `json:"targets"`
	DocumentSource             string                      `json:"documentSource,omitempty"`
	Document                   string                      `json:"document,omitempty"`
	Description                string                      `json:"description,omitempty"`
	PresignedUrlConfig         *PresignedUrlConfig         `json:"presignedUrlConfig,omitempty"`
	TargetSelection            string                      `json:"targetSelection,omitempty"`
	JobExecutionsRolloutConfig *JobExecutionsRolloutConfig `json:"jobExecutionsRolloutConfig,omitempty"`
	AbortConfig                *AbortConfig                `json:"abortConfig,omitempty"`
	TimeoutConfig              *TimeoutConfig              `json:"timeoutConfig,omitempty"`
	Tags                       []Tag                       `json:"tags,omitempty"`
	NamespaceID                string                      `json:"namespaceId,omitempty"`
	JobTemplateArn             string                      `json:"jobTemplateArn,omitempty"`
	JobExecutionsRetryConfig   *JobExecutionsRetryConfig   `json:"jobExecutionsRetryConfig,omitempty"`
	DocumentParameters         map[string]string           `json:"documentParameters,omitempty"`
	SchedulingConfig           *SchedulingConfig           `json:"schedulingConfig,omitempty"`
	DestinationPackageVersions []string                    `json:"destinationPackageVersions,omitempty"`
}

// CreateJobOutput is the CreateJob, CancelJob and AssociateTargetsWithJob
// response.
type CreateJobOutput struct {
	JobArn      string `json:"jobArn"`
	JobID       string `json:"jobId"`
	Description string `json:"description,omitempty"`
}

// CreateJob creates a job IN_PROGRESS (SCHEDULED with a future
// schedulingConfig.startTime) and queues one execution per target thing,
// thing groups expanded through Targets, each thing once; the rollout
// configuration may hold some back until Tick. Each thing whose pending
// list changes gets jobs/notify and, when its next job changed,
// jobs/notify-next.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-workflow-jobs-online.html#jobs-respond-new-job
func (s *Service) CreateJob(ctx context.Context, in CreateJobInput) (CreateJobOutput, error) {
	if err := s.applyTemplate(&in); err != nil {
		return CreateJobOutput{}, err
	}
	if err := s.checkCreate(in); err != nil {
		return CreateJobOutput{}, err
	}
	doc, err := s.resolveDocument(ctx, in.Document, in.DocumentSource)
	if err != nil {
		return CreateJobOutput{}, err
	}
	targets, _ := s.parseTargets(in.Targets)
	things, err := s.resolveTargets(ctx, targets)
	if err != nil {
		return CreateJobOutput{}, err
	}
	if err := s.lock(); err != nil {
		return CreateJobOutput{}, err
	}
	j, b, err := s.insertJob(in, doc, things)
	var msgs []outMsg
	if err == nil {
		msgs = b.finish()
	}
	s.mu.Unlock()
	if err != nil {
		return CreateJobOutput{}, err
	}
	s.flush(ctx, msgs)
	return CreateJobOutput{JobArn: j.arn, JobID: j.id, Description: j.description}, nil
}

// checkCreate validates a CreateJob request before any lookup.
func (s *Service) checkCreate(in CreateJobInput) error {
	if err := checkID("jobId", in.JobID); err != nil {
		return err
	}
	if _, err := s.parseTargets(in.Targets); err != nil {
		return err
	}
	switch in.TargetSelection {
	case "", TargetSnapshot, TargetContinuous:
	default:
		return validation("targetSelection", "Member must satisfy enum value set: [CONTINUOUS, SNAPSHOT]")
	}
	if (in.Document == "") == (in.DocumentSource == "") {
		// UNCONFIRMED: AWS's text when both or neither are given.
		return errorf(InvalidRequest, "Exactly one of document or documentSource must be specified.")
	}
	if len(in.DocumentSource) > maxDocSourceLength {
		return validation("documentSource", fmt.Sprintf("Member must have length less than or equal to %d", maxDocSourceLength))
	}
	if err := checkText("description", in.Description, maxDescriptionLength); err != nil {
		return err
	}
	if in.NamespaceID != "" && !thingPattern.MatchString(in.NamespaceID) {
		return validation("namespaceId", "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+")
	}
	if _, err := s.scheduleStart(in.SchedulingConfig); err != nil {
		return err
	}
	return checkConfigs(in.PresignedUrlConfig, in.JobExecutionsRolloutConfig, in.AbortConfig, in.TimeoutConfig, in.JobExecutionsRetryConfig)
}

// checkConfigs validates the configurations shared by CreateJob,
// UpdateJob and CreateJobTemplate.
func checkConfigs(p *PresignedUrlConfig, r *JobExecutionsRolloutConfig, a *AbortConfig, t *TimeoutConfig, rt *JobExecutionsRetryConfig) error {
	if err := checkPresigned(p); err != nil {
		return err
	}
	if err := checkRollout(r); err != nil {
		return err
	}
	if err := checkAbort(a); err != nil {
		return err
	}
	if err := checkTimeout(t); err != nil {
		return err
	}
	return checkRetry(rt)
}

// resolveDocument returns the inline document, checked, or the fetched
// documentSource document (fetched once, at creation).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/job-templates-cli.html#job-templates-cli-create-scratch
func (s *Service) resolveDocument(ctx context.Context, doc, source string) (string, error) {
	if source != "" {
		return s.fetchDocument(ctx, source)
	}
	if err := s.checkDocument(doc); err != nil {
		return "", err
	}
	return doc, nil
}

// resolveTargets returns the target things, each once, in target order.
// UNCONFIRMED (U8): a missing thing or group is ResourceNotFoundException.
// UNCONFIRMED (U9): a thing in several targets gets one execution.
func (s *Service) resolveTargets(ctx context.Context, targets []target) ([]string, error) {
	var things []string
	seen := map[string]bool{}
	for _, t := range targets {
		names, err := s.thingsOf(ctx, t)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				things = append(things, n)
			}
		}
	}
	return things, nil
}

// thingsOf returns the things of one target.
func (s *Service) thingsOf(ctx context.Context, t target) ([]string, error) {
	if s.cfg.Targets == nil {
		if t.group {
			return nil, nil
		}
		return []string{t.name}, nil
	}
	if t.group {
		names, err := s.cfg.Targets.ThingsInGroup(ctx, t.arn)
		if isGroupNotFound(err) {
			return nil, errorf(ResourceNotFound, "Thing group %s does not exist", t.name)
		}
		if err != nil {
			return nil, fmt.Errorf("resolve thing group %s: %w", t.arn, err)
		}
		return names, nil
	}
	ok, err := s.cfg.Targets.ThingExists(ctx, t.name)
	if err != nil {
		return nil, fmt.Errorf("resolve thing %s: %w", t.arn, err)
	}
	if !ok {
		return nil, errorf(ResourceNotFound, "Thing %s does not exist", t.name)
	}
	return []string{t.name}, nil
}

// insertJob stores a new job and rolls it out; the caller holds the lock.
func (s *Service) insertJob(in CreateJobInput, doc string, things []string) (*job, *batch, error) {
	if _, ok := s.jobs[in.JobID]; ok {
		// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#API_CreateJob_Errors
		return nil, nil, errorf(ResourceAlreadyExists, "Job with id %s already exists.", in.JobID)
	}
	final, err := applyParameters(doc, in.DocumentParameters)
	if err != nil {
		return nil, nil, err
	}
	b := s.begin()
	j := newJob(in, s.arn("job/"+in.JobID), b.now)
	j.document, j.docBefore, j.seq = final, doc, s.nextSeq()
	j.startAt, _ = s.scheduleStart(in.SchedulingConfig)
	j.pending = things
	s.jobs[j.id] = j
	if j.startAt.After(b.now) {
		j.status = JobScheduled
		return j, b, nil
	}
	s.startRollout(j, b)
	return j, b, nil
}

// newJob builds the stored job of a request.
func newJob(in CreateJobInput, arn string, now time.Time) *job {
	sel := in.TargetSelection
	if sel == "" {
		sel = TargetSnapshot
	}
	return &job{
		id: in.JobID, arn: arn, targets: slices.Clone(in.Targets), targetSelection: sel,
		status: JobInProgress, description: in.Description, documentSource: in.DocumentSource,
		presigned: clonePtr(in.PresignedUrlConfig), rollout: cloneRollout(in.JobExecutionsRolloutConfig),
		abort: cloneAbort(in.AbortConfig), timeout: clonePtr(in.TimeoutConfig),
		retry: cloneRetry(in.JobExecutionsRetryConfig), scheduling: clonePtr(in.SchedulingConfig),
		tags: slices.Clone(in.Tags), namespaceID: in.NamespaceID, templateARN: in.JobTemplateArn,
		documentParameters: maps.Clone(in.DocumentParameters), destinationPkgs: slices.Clone(in.DestinationPackageVersions),
		createdAt: now, lastUpdatedAt: now, execs: make(map[string][]*execution),
	}
}

// scheduleStart parses schedulingConfig.startTime (yyyy-MM-dd'T'hh:mm,
// ISO 8601 without seconds, UTC); the zero time when there is none.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_SchedulingConfig.html#iot-Type-SchedulingConfig-startTime
func (s *Service) scheduleStart(c *SchedulingConfig) (time.Time, error) {
	if c == nil || c.StartTime == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", time.RFC3339, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, c.StartTime); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errorf(InvalidRequest, "Invalid schedulingConfig.startTime %q: expected yyyy-MM-dd'T'hh:mm", c.StartTime)
}
