package jobs

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/iotemu/iotemu/internal/statedoc"
)

// snapshotVersion is the layout of Snapshot's document; Restore refuses
// another one.
const snapshotVersion = 1

// serviceState is the whole service as the data directory keeps it: jobs
// with their executions and rollout state, and job templates. A new member
// is added omitempty so that older documents stay readable.
type serviceState struct {
	Version   int              `json:"version"`
	Seq       int64            `json:"seq"`
	Jobs      []storedJob      `json:"jobs,omitempty"`
	Templates []storedTemplate `json:"templates,omitempty"`
}

type storedJob struct {
	ID                 string                      `json:"id"`
	ARN                string                      `json:"arn"`
	Targets            []string                    `json:"targets,omitempty"`
	TargetSelection    string                      `json:"targetSelection"`
	Status             string                      `json:"status"`
	ForceCanceled      bool                        `json:"forceCanceled,omitempty"`
	ReasonCode         string                      `json:"reasonCode,omitempty"`
	Comment            string                      `json:"comment,omitempty"`
	Description        string                      `json:"description,omitempty"`
	Document           string                      `json:"document,omitempty"`
	DocBefore          string                      `json:"docBefore,omitempty"`
	DocumentSource     string                      `json:"documentSource,omitempty"`
	Presigned          *PresignedUrlConfig         `json:"presigned,omitempty"`
	Rollout            *JobExecutionsRolloutConfig `json:"rollout,omitempty"`
	Abort              *AbortConfig                `json:"abort,omitempty"`
	Timeout            *TimeoutConfig              `json:"timeout,omitempty"`
	Retry              *JobExecutionsRetryConfig   `json:"retry,omitempty"`
	Scheduling         *SchedulingConfig           `json:"scheduling,omitempty"`
	Tags               []Tag                       `json:"tags,omitempty"`
	NamespaceID        string                      `json:"namespaceId,omitempty"`
	TemplateARN        string                      `json:"templateArn,omitempty"`
	DocumentParameters map[string]string           `json:"documentParameters,omitempty"`
	DestinationPkgs    []string                    `json:"destinationPackageVersions,omitempty"`
	CreatedAt          time.Time                   `json:"createdAt"`
	LastUpdatedAt      time.Time                   `json:"lastUpdatedAt"`
	CompletedAt        time.Time                   `json:"completedAt"`
	StartAt            time.Time                   `json:"startAt"`
	Seq                int64                       `json:"seq"`
	Executions         []storedExecution           `json:"executions,omitempty"` // by thing, then executionNumber
	Pending            []string                    `json:"pending,omitempty"`
	Rate               storedRollout               `json:"rate"`
}

type storedRollout struct {
	WindowStart         time.Time `json:"windowStart"`
	InWindow            int       `json:"inWindow,omitempty"`
	PerMinute           float64   `json:"perMinute,omitempty"`
	NotifiedAtIncrease  int       `json:"notifiedAtIncrease,omitempty"`
	SucceededAtIncrease int       `json:"succeededAtIncrease,omitempty"`
}

type storedExecution struct {
	Thing              string            `json:"thing"`
	Status             string            `json:"status"`
	ForceCanceled      bool              `json:"forceCanceled,omitempty"`
	StatusDetails      map[string]string `json:"statusDetails,omitempty"`
	QueuedAt           time.Time         `json:"queuedAt"`
	StartedAt          time.Time         `json:"startedAt"`
	LastUpdatedAt      time.Time         `json:"lastUpdatedAt"`
	ExecutionNumber    int64             `json:"executionNumber"`
	VersionNumber      int64             `json:"versionNumber"`
	RetryAttempt       int               `json:"retryAttempt,omitempty"`
	InProgressDeadline time.Time         `json:"inProgressDeadline"`
	StepDeadline       time.Time         `json:"stepDeadline"`
	Seq                int64             `json:"seq"`
}

type storedTemplate struct {
	ID             string                      `json:"id"`
	ARN            string                      `json:"arn"`
	Description    string                      `json:"description,omitempty"`
	Document       string                      `json:"document,omitempty"`
	DocumentSource string                      `json:"documentSource,omitempty"`
	Presigned      *PresignedUrlConfig         `json:"presigned,omitempty"`
	Rollout        *JobExecutionsRolloutConfig `json:"rollout,omitempty"`
	Abort          *AbortConfig                `json:"abort,omitempty"`
	Timeout        *TimeoutConfig              `json:"timeout,omitempty"`
	Retry          *JobExecutionsRetryConfig   `json:"retry,omitempty"`
	Windows        []MaintenanceWindow         `json:"maintenanceWindows,omitempty"`
	DestPkgs       []string                    `json:"destinationPackageVersions,omitempty"`
	CreatedAt      time.Time                   `json:"createdAt"`
	Seq            int64                       `json:"seq"`
}

// Snapshot encodes every job, execution and job template for the data
// directory, in creation order, under the service's lock (consistent).
func (s *Service) Snapshot() ([]byte, error) {
	s.mu.Lock()
	doc := serviceState{Version: snapshotVersion, Seq: s.seq}
	for _, j := range s.jobs {
		doc.Jobs = append(doc.Jobs, storeJob(j))
	}
	for _, t := range s.templates {
		doc.Templates = append(doc.Templates, storedTemplate{
			ID: t.id, ARN: t.arn, Description: t.description, Document: t.document, DocumentSource: t.documentSource,
			Presigned: t.presigned, Rollout: t.rollout, Abort: t.abort, Timeout: t.timeout, Retry: t.retry,
			Windows: t.windows, DestPkgs: t.destPkgs, CreatedAt: t.createdAt, Seq: t.seq,
		})
	}
	doc.sort()
	raw, err := json.Marshal(doc) // under the lock: the configs are shared with the live jobs
	s.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("jobs snapshot: %w", err)
	}
	return raw, nil
}

func storeJob(j *job) storedJob {
	sj := storedJob{
		ID: j.id, ARN: j.arn, Targets: j.targets, TargetSelection: j.targetSelection, Status: j.status,
		ForceCanceled: j.forceCanceled, ReasonCode: j.reasonCode, Comment: j.comment, Description: j.description,
		Document: j.document, DocBefore: j.docBefore, DocumentSource: j.documentSource, Presigned: j.presigned,
		Rollout: j.rollout, Abort: j.abort, Timeout: j.timeout, Retry: j.retry, Scheduling: j.scheduling, Tags: j.tags,
		NamespaceID: j.namespaceID, TemplateARN: j.templateARN, DocumentParameters: j.documentParameters,
		DestinationPkgs: j.destinationPkgs, CreatedAt: j.createdAt, LastUpdatedAt: j.lastUpdatedAt,
		CompletedAt: j.completedAt, StartAt: j.startAt, Seq: j.seq, Pending: j.pending,
		Rate: storedRollout{WindowStart: j.rate.windowStart, InWindow: j.rate.inWindow, PerMinute: j.rate.perMinute,
			NotifiedAtIncrease: j.rate.notifiedAtIncrease, SucceededAtIncrease: j.rate.succeededAtIncrease},
	}
	for _, e := range j.allExecs() {
		sj.Executions = append(sj.Executions, storedExecution{
			Thing: e.thing, Status: e.status, ForceCanceled: e.forceCanceled, StatusDetails: e.statusDetails,
			QueuedAt: e.queuedAt, StartedAt: e.startedAt, LastUpdatedAt: e.lastUpdatedAt, ExecutionNumber: e.executionNumber,
			VersionNumber: e.versionNumber, RetryAttempt: e.retryAttempt, InProgressDeadline: e.inProgressDeadline,
			StepDeadline: e.stepDeadline, Seq: e.seq,
		})
	}
	return sj
}

// sort orders a snapshot's jobs and templates by creation, so that an
// unchanged service encodes to the same bytes.
func (st *serviceState) sort() {
	slices.SortFunc(st.Jobs, func(a, b storedJob) int { return cmp.Or(cmp.Compare(a.Seq, b.Seq), cmp.Compare(a.ID, b.ID)) })
	slices.SortFunc(st.Templates, func(a, b storedTemplate) int {
		return cmp.Or(cmp.Compare(a.Seq, b.Seq), cmp.Compare(a.ID, b.ID))
	})
}

// Restore replaces the service's content with a Snapshot's. It refuses
// (and leaves the service as it was) a document it cannot read whole: bad
// JSON, another version, a job or template without an ID or twice, an
// execution of an unknown status or out of order.
func (s *Service) Restore(raw []byte) error {
	var doc serviceState
	if err := statedoc.Decode("jobs", raw, snapshotVersion, &doc); err != nil {
		return err
	}
	jobsByID := make(map[string]*job, len(doc.Jobs))
	byThing := map[string]map[string]bool{}
	for _, sj := range doc.Jobs {
		j, err := loadJob(sj)
		if err != nil {
			return fmt.Errorf("jobs restore: %w", err)
		}
		if _, dup := jobsByID[j.id]; dup {
			return fmt.Errorf("jobs restore: job %s twice", j.id)
		}
		jobsByID[j.id] = j
		for thing := range j.execs {
			if byThing[thing] == nil {
				byThing[thing] = map[string]bool{}
			}
			byThing[thing][j.id] = true
		}
	}
	templates := make(map[string]*template, len(doc.Templates))
	for _, t := range doc.Templates {
		if t.ID == "" {
			return errors.New("jobs restore: a job template without an ID")
		}
		if _, dup := templates[t.ID]; dup {
			return fmt.Errorf("jobs restore: job template %s twice", t.ID)
		}
		templates[t.ID] = &template{
			id: t.ID, arn: t.ARN, description: t.Description, document: t.Document, documentSource: t.DocumentSource,
			presigned: t.Presigned, rollout: t.Rollout, abort: t.Abort, timeout: t.Timeout, retry: t.Retry,
			windows: t.Windows, destPkgs: t.DestPkgs, createdAt: t.CreatedAt, seq: t.Seq,
		}
	}
	s.mu.Lock()
	s.jobs, s.templates, s.byThing, s.seq = jobsByID, templates, byThing, doc.Seq
	s.mu.Unlock()
	return nil
}

func loadJob(sj storedJob) (*job, error) {
	if sj.ID == "" {
		return nil, errors.New("a job without an ID")
	}
	switch sj.Status {
	case JobInProgress, JobCanceled, JobCompleted, JobDeletionInProgress, JobScheduled:
	default:
		return nil, fmt.Errorf("job %s: status %q", sj.ID, sj.Status)
	}
	j := &job{
		id: sj.ID, arn: sj.ARN, targets: sj.Targets, targetSelection: sj.TargetSelection, status: sj.Status,
		forceCanceled: sj.ForceCanceled, reasonCode: sj.ReasonCode, comment: sj.Comment, description: sj.Description,
		document: sj.Document, docBefore: sj.DocBefore, documentSource: sj.DocumentSource, presigned: sj.Presigned,
		rollout: sj.Rollout, abort: sj.Abort, timeout: sj.Timeout, retry: sj.Retry, scheduling: sj.Scheduling, tags: sj.Tags,
		namespaceID: sj.NamespaceID, templateARN: sj.TemplateARN, documentParameters: sj.DocumentParameters,
		destinationPkgs: sj.DestinationPkgs, createdAt: sj.CreatedAt, lastUpdatedAt: sj.LastUpdatedAt,
		completedAt: sj.CompletedAt, startAt: sj.StartAt, seq: sj.Seq, pending: sj.Pending,
		rate: rolloutState{windowStart: sj.Rate.WindowStart, inWindow: sj.Rate.InWindow, perMinute: sj.Rate.PerMinute,
			notifiedAtIncrease: sj.Rate.NotifiedAtIncrease, succeededAtIncrease: sj.Rate.SucceededAtIncrease},
		execs: map[string][]*execution{},
	}
	for _, se := range sj.Executions {
		switch {
		case se.Thing == "":
			return nil, fmt.Errorf("job %s: an execution without a thing", sj.ID)
		case !knownExecStatus(se.Status):
			return nil, fmt.Errorf("job %s: execution of %s: status %q", sj.ID, se.Thing, se.Status)
		case se.ExecutionNumber < 1 || se.VersionNumber < 1:
			return nil, fmt.Errorf("job %s: execution of %s: number %d version %d", sj.ID, se.Thing, se.ExecutionNumber, se.VersionNumber)
		}
		if last := j.latest(se.Thing); last != nil && last.executionNumber >= se.ExecutionNumber {
			return nil, fmt.Errorf("job %s: executions of %s out of order", sj.ID, se.Thing)
		}
		j.execs[se.Thing] = append(j.execs[se.Thing], &execution{
			jobID: sj.ID, thing: se.Thing, status: se.Status, forceCanceled: se.ForceCanceled,
			statusDetails: maps.Clone(se.StatusDetails), queuedAt: se.QueuedAt, startedAt: se.StartedAt,
			lastUpdatedAt: se.LastUpdatedAt, executionNumber: se.ExecutionNumber, versionNumber: se.VersionNumber,
			retryAttempt: se.RetryAttempt, inProgressDeadline: se.InProgressDeadline, stepDeadline: se.StepDeadline, seq: se.Seq,
		})
	}
	return j, nil
}

func knownExecStatus(s string) bool {
	switch s {
	case ExecQueued, ExecInProgress, ExecSucceeded, ExecFailed, ExecTimedOut, ExecRejected, ExecRemoved, ExecCanceled:
		return true
	}
	return false
}
