package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// isGroupNotFound reports whether a Targets error says the group is missing.
func isGroupNotFound(err error) bool { return errors.Is(err, ErrGroupNotFound) }

// AssociateTargetsWithJobInput is the AssociateTargetsWithJob request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_AssociateTargetsWithJob.html#API_AssociateTargetsWithJob_RequestSyntax
type AssociateTargetsWithJobInput struct {
	JobID       string   `json:"-"`
	Targets     []string `json:"targets"`
	Comment     string   `json:"comment,omitempty"`
	NamespaceID string   `json:"-"`
}

// AssociateTargetsWithJob adds targets to a CONTINUOUS IN_PROGRESS job,
// at most Limits.MaxTargets in total, and queues their things. A SNAPSHOT
// or finished job is InvalidRequestException (UNCONFIRMED code).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_AssociateTargetsWithJob.html
func (s *Service) AssociateTargetsWithJob(ctx context.Context, in AssociateTargetsWithJobInput) (CreateJobOutput, error) {
	if err := checkID("jobId", in.JobID); err != nil {
		return CreateJobOutput{}, err
	}
	if err := checkText("comment", in.Comment, maxCommentLength); err != nil {
		return CreateJobOutput{}, err
	}
	targets, err := s.parseTargets(in.Targets)
	if err != nil {
		return CreateJobOutput{}, err
	}
	things, err := s.resolveTargets(ctx, targets)
	if err != nil {
		return CreateJobOutput{}, err
	}
	if err := s.lock(); err != nil {
		return CreateJobOutput{}, err
	}
	j, b, err := s.associate(in, things)
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

// associate applies AssociateTargetsWithJob; the caller holds the lock.
func (s *Service) associate(in AssociateTargetsWithJobInput, things []string) (*job, *batch, error) {
	j, err := s.jobByID(in.JobID)
	if err != nil {
		return nil, nil, err
	}
	if j.targetSelection != TargetContinuous || j.status != JobInProgress {
		return nil, nil, errorf(InvalidRequest, "Targets can be associated only with a CONTINUOUS job in progress; job %s is %s %s.", j.id, j.targetSelection, j.status)
	}
	added := 0
	for _, t := range in.Targets {
		if !slices.Contains(j.targets, t) {
			added++
		}
	}
	if len(j.targets)+added > s.cfg.Limits.MaxTargets {
		return nil, nil, errorf(LimitExceeded, "A job can have at most %d targets.", s.cfg.Limits.MaxTargets)
	}
	for _, t := range in.Targets {
		if !slices.Contains(j.targets, t) {
			j.targets = append(j.targets, t)
		}
	}
	b := s.begin()
	j.comment, j.lastUpdatedAt = in.Comment, b.now
	for _, thing := range things {
		s.offer(j, thing)
	}
	s.release(j, b)
	return j, b, nil
}

// offer puts a thing in the job's rollout unless it already has an
// execution that is pending or did not end REMOVED (UNCONFIRMED: a thing
// that re-joins gets a new execution only after REMOVED).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#iot-CreateJob-request-targetSelection
func (s *Service) offer(j *job, thing string) {
	if slices.Contains(j.pending, thing) {
		return
	}
	if e := j.latest(thing); e != nil && e.status != ExecRemoved {
		return
	}
	j.pending = append(j.pending, thing)
}

// ThingAddedToGroup tells the Service that a thing joined a thing group
// (static, or a dynamic group's query now matches it). Every CONTINUOUS
// job in progress that targets the group queues an execution for it. The
// root calls it for the group and for each ancestor group.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-rollout-dynamic-groups
func (s *Service) ThingAddedToGroup(ctx context.Context, thingName, groupARN string) error {
	if err := s.lock(); err != nil {
		return err
	}
	b := s.begin()
	for _, j := range s.jobsTargeting(groupARN) {
		if j.targetSelection == TargetContinuous && j.status == JobInProgress {
			s.offer(j, thingName)
			s.release(j, b)
		}
	}
	msgs := b.finish()
	s.mu.Unlock()
	s.flush(ctx, msgs)
	return nil
}

// ThingRemovedFromGroup tells the Service that a thing left a thing group.
// Its pending execution of every CONTINUOUS job that targets the group
// becomes REMOVED, unless the job also targets the thing itself or another
// group that still holds it (asked through Targets); SNAPSHOT jobs keep
// theirs (UNCONFIRMED U10).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-jobs-lifecycle.html#iot-job-execution-states
func (s *Service) ThingRemovedFromGroup(ctx context.Context, thingName, groupARN string) error {
	if err := s.lock(); err != nil {
		return err
	}
	candidates := map[string][]string{} // job ID -> its targets
	for _, j := range s.jobsTargeting(groupARN) {
		if j.targetSelection == TargetContinuous && !slices.Contains(j.targets, s.thingARN(thingName)) {
			candidates[j.id] = slices.Clone(j.targets)
		}
	}
	s.mu.Unlock()
	var drop []string
	for id, targets := range candidates {
		still, err := s.stillTargeted(ctx, thingName, groupARN, targets)
		if err != nil {
			return err
		}
		if !still {
			drop = append(drop, id)
		}
	}
	if err := s.lock(); err != nil {
		return err
	}
	b := s.begin()
	for _, id := range drop {
		if j := s.jobs[id]; j != nil {
			s.remove(j, thingName, b)
		}
	}
	msgs := b.finish()
	s.mu.Unlock()
	s.flush(ctx, msgs)
	return nil
}

// stillTargeted reports whether a target group other than left still
// holds the thing. The caller must not hold the lock.
func (s *Service) stillTargeted(ctx context.Context, thing, left string, targets []string) (bool, error) {
	if s.cfg.Targets == nil {
		return false, nil
	}
	parsed, _ := s.parseTargets(targets)
	for _, t := range parsed {
		if !t.group || t.arn == left {
			continue
		}
		names, err := s.cfg.Targets.ThingsInGroup(ctx, t.arn)
		if isGroupNotFound(err) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("resolve thing group %s: %w", t.arn, err)
		}
		if slices.Contains(names, thing) {
			return true, nil
		}
	}
	return false, nil
}

// ThingDeleted tells the Service that a thing was deleted: each of its
// pending executions becomes REMOVED.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_JobProcessDetails.html#iot-Type-JobProcessDetails-numberOfRemovedThings
func (s *Service) ThingDeleted(ctx context.Context, thingName string) error {
	if err := s.lock(); err != nil {
		return err
	}
	b := s.begin()
	for id := range s.byThing[thingName] {
		s.remove(s.jobs[id], thingName, b)
	}
	for _, j := range s.jobs {
		j.pending = slices.DeleteFunc(j.pending, func(t string) bool { return t == thingName })
	}
	msgs := b.finish()
	s.mu.Unlock()
	s.flush(ctx, msgs)
	return nil
}

// remove moves the thing's pending execution of j to REMOVED and drops the
// thing from the rollout.
func (s *Service) remove(j *job, thing string, b *batch) {
	j.pending = slices.DeleteFunc(j.pending, func(t string) bool { return t == thing })
	e := j.latest(thing)
	if e == nil || terminal(e.status) {
		return
	}
	e.versionNumber++
	s.setStatus(j, e, ExecRemoved, b)
	s.settle(j, b)
}

// jobsTargeting returns the jobs with target among their targets, oldest first.
func (s *Service) jobsTargeting(target string) []*job {
	var out []*job
	for _, j := range s.jobs {
		if slices.Contains(j.targets, target) {
			out = append(out, j)
		}
	}
	slices.SortFunc(out, func(a, b *job) int { return int(a.seq - b.seq) })
	return out
}
