package jobs

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// template is a stored job template.
type template struct {
	id, arn        string
	description    string
	document       string
	documentSource string
	presigned      *PresignedUrlConfig
	rollout        *JobExecutionsRolloutConfig
	abort          *AbortConfig
	timeout        *TimeoutConfig
	retry          *JobExecutionsRetryConfig
	windows        []MaintenanceWindow
	destPkgs       []string
	createdAt      time.Time
	seq            int64
}

// CreateJobTemplateInput is the CreateJobTemplate request: exactly one of
// JobArn, Document and DocumentSource.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJobTemplate.html#API_CreateJobTemplate_RequestSyntax
type CreateJobTemplateInput struct {
	JobTemplateID              string                      `json:"-"`
	JobArn                     string                      `json:"jobArn,omitempty"`
	DocumentSource             string                      `json:"documentSource,omitempty"`
	Document                   string                      `json:"document,omitempty"`
	Description                string                      `json:"description"`
	PresignedUrlConfig         *PresignedUrlConfig         `json:"presignedUrlConfig,omitempty"`
	JobExecutionsRolloutConfig *JobExecutionsRolloutConfig `json:"jobExecutionsRolloutConfig,omitempty"`
	AbortConfig                *AbortConfig                `json:"abortConfig,omitempty"`
	TimeoutConfig              *TimeoutConfig              `json:"timeoutConfig,omitempty"`
	Tags                       []Tag                       `json:"tags,omitempty"`
	JobExecutionsRetryConfig   *JobExecutionsRetryConfig   `json:"jobExecutionsRetryConfig,omitempty"`
	MaintenanceWindows         []MaintenanceWindow         `json:"maintenanceWindows,omitempty"`
	DestinationPackageVersions []string                    `json:"destinationPackageVersions,omitempty"`
}

// CreateJobTemplateOutput is the CreateJobTemplate response.
type CreateJobTemplateOutput struct {
	JobTemplateArn string `json:"jobTemplateArn"`
	JobTemplateID  string `json:"jobTemplateId"`
}

// CreateJobTemplate creates a job template from a document, a
// documentSource (fetched now) or an existing job (its document and
// configurations). A duplicate id is ConflictException.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJobTemplate.html#API_CreateJobTemplate_Errors
func (s *Service) CreateJobTemplate(ctx context.Context, in CreateJobTemplateInput) (CreateJobTemplateOutput, error) {
	if err := s.checkTemplate(in); err != nil {
		return CreateJobTemplateOutput{}, err
	}
	doc := in.Document
	if in.DocumentSource != "" || in.Document != "" {
		var err error
		if doc, err = s.resolveDocument(ctx, in.Document, in.DocumentSource); err != nil {
			return CreateJobTemplateOutput{}, err
		}
	}
	if err := s.lock(); err != nil {
		return CreateJobTemplateOutput{}, err
	}
	defer s.mu.Unlock()
	if _, ok := s.templates[in.JobTemplateID]; ok {
		return CreateJobTemplateOutput{}, errorf(Conflict, "Job template %s already exists.", in.JobTemplateID)
	}
	t := &template{
		id: in.JobTemplateID, arn: s.arn("jobtemplate/" + in.JobTemplateID), description: in.Description,
		document: doc, documentSource: in.DocumentSource, presigned: clonePtr(in.PresignedUrlConfig),
		rollout: cloneRollout(in.JobExecutionsRolloutConfig), abort: cloneAbort(in.AbortConfig),
		timeout: clonePtr(in.TimeoutConfig), retry: cloneRetry(in.JobExecutionsRetryConfig),
		windows: slices.Clone(in.MaintenanceWindows), destPkgs: slices.Clone(in.DestinationPackageVersions),
		createdAt: s.cfg.Now(), seq: s.nextSeq(),
	}
	if in.JobArn != "" {
		if err := s.copyJobInto(t, in.JobArn); err != nil {
			return CreateJobTemplateOutput{}, err
		}
	}
	s.templates[t.id] = t
	return CreateJobTemplateOutput{JobTemplateArn: t.arn, JobTemplateID: t.id}, nil
}

// checkTemplate validates a CreateJobTemplate request.
func (s *Service) checkTemplate(in CreateJobTemplateInput) error {
	if err := checkID("jobTemplateId", in.JobTemplateID); err != nil {
		return err
	}
	n := 0
	for _, v := range []string{in.JobArn, in.Document, in.DocumentSource} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		// UNCONFIRMED: AWS's text.
		return errorf(InvalidRequest, "Exactly one of jobArn, document or documentSource must be specified.")
	}
	if in.Description == "" {
		return validation("description", "Member must not be null")
	}
	if err := checkText("description", in.Description, maxDescriptionLength); err != nil {
		return err
	}
	return checkConfigs(in.PresignedUrlConfig, in.JobExecutionsRolloutConfig, in.AbortConfig, in.TimeoutConfig, in.JobExecutionsRetryConfig)
}

// copyJobInto copies an existing job's document and configurations into
// a template; request members win. The caller holds the lock.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/job-templates-cli.html#job-templates-cli-create-from-job
func (s *Service) copyJobInto(t *template, jobARN string) error {
	id, ok := strings.CutPrefix(jobARN, s.arn("job/"))
	j := s.jobs[id]
	if !ok || j == nil {
		return errorf(ResourceNotFound, "Job %s does not exist.", jobARN)
	}
	t.document, t.documentSource = j.document, j.documentSource
	t.presigned = cmp.Or(t.presigned, clonePtr(j.presigned))
	t.rollout = cmp.Or(t.rollout, cloneRollout(j.rollout))
	t.abort = cmp.Or(t.abort, cloneAbort(j.abort))
	t.timeout = cmp.Or(t.timeout, clonePtr(j.timeout))
	t.retry = cmp.Or(t.retry, cloneRetry(j.retry))
	return nil
}

// applyTemplate fills a CreateJob request from its jobTemplateArn: the
// template's document and configurations, request members overriding.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/job-templates-cli.html#job-templates-cli-create-job
func (s *Service) applyTemplate(in *CreateJobInput) error {
	if in.JobTemplateArn == "" {
		return nil
	}
	if err := s.lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	id, ok := strings.CutPrefix(in.JobTemplateArn, s.arn("jobtemplate/"))
	t := s.templates[id]
	if !ok || t == nil {
		return errorf(ResourceNotFound, "Job template %s does not exist.", in.JobTemplateArn)
	}
	if in.Document == "" && in.DocumentSource == "" {
		// The template's document was fetched at template creation.
		in.Document = t.document
	}
	in.PresignedUrlConfig = cmp.Or(in.PresignedUrlConfig, clonePtr(t.presigned))
	in.JobExecutionsRolloutConfig = cmp.Or(in.JobExecutionsRolloutConfig, cloneRollout(t.rollout))
	in.AbortConfig = cmp.Or(in.AbortConfig, cloneAbort(t.abort))
	in.TimeoutConfig = cmp.Or(in.TimeoutConfig, clonePtr(t.timeout))
	in.JobExecutionsRetryConfig = cmp.Or(in.JobExecutionsRetryConfig, cloneRetry(t.retry))
	if len(in.DestinationPackageVersions) == 0 {
		in.DestinationPackageVersions = slices.Clone(t.destPkgs)
	}
	return nil
}

// DescribeJobTemplateOutput is the DescribeJobTemplate response.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeJobTemplate.html#API_DescribeJobTemplate_ResponseSyntax
type DescribeJobTemplateOutput struct {
	JobTemplateArn             string                      `json:"jobTemplateArn"`
	JobTemplateID              string                      `json:"jobTemplateId"`
	Description                string                      `json:"description,omitempty"`
	DocumentSource             string                      `json:"documentSource,omitempty"`
	Document                   string                      `json:"document,omitempty"`
	CreatedAt                  Timestamp                   `json:"createdAt,omitzero"`
	PresignedUrlConfig         *PresignedUrlConfig         `json:"presignedUrlConfig,omitempty"`
	JobExecutionsRolloutConfig *JobExecutionsRolloutConfig `json:"jobExecutionsRolloutConfig,omitempty"`
	AbortConfig                *AbortConfig                `json:"abortConfig,omitempty"`
	TimeoutConfig              *TimeoutConfig              `json:"timeoutConfig,omitempty"`
	JobExecutionsRetryConfig   *JobExecutionsRetryConfig   `json:"jobExecutionsRetryConfig,omitempty"`
	MaintenanceWindows         []MaintenanceWindow         `json:"maintenanceWindows,omitempty"`
	DestinationPackageVersions []string                    `json:"destinationPackageVersions,omitempty"`
}

// DescribeJobTemplate returns a template.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeJobTemplate.html
func (s *Service) DescribeJobTemplate(_ context.Context, id string) (DescribeJobTemplateOutput, error) {
	if err := checkID("jobTemplateId", id); err != nil {
		return DescribeJobTemplateOutput{}, err
	}
	if err := s.lock(); err != nil {
		return DescribeJobTemplateOutput{}, err
	}
	defer s.mu.Unlock()
	t, ok := s.templates[id]
	if !ok {
		return DescribeJobTemplateOutput{}, errorf(ResourceNotFound, "Job template %s does not exist.", id)
	}
	return DescribeJobTemplateOutput{
		JobTemplateArn: t.arn, JobTemplateID: t.id, Description: t.description,
		DocumentSource: t.documentSource, Document: t.document, CreatedAt: ts(t.createdAt),
		PresignedUrlConfig: clonePtr(t.presigned), JobExecutionsRolloutConfig: cloneRollout(t.rollout),
		AbortConfig: cloneAbort(t.abort), TimeoutConfig: clonePtr(t.timeout),
		JobExecutionsRetryConfig: cloneRetry(t.retry), MaintenanceWindows: slices.Clone(t.windows),
		DestinationPackageVersions: slices.Clone(t.destPkgs),
	}, nil
}

// JobTemplateSummary is one template of ListJobTemplates.
type JobTemplateSummary struct {
	JobTemplateArn string    `json:"jobTemplateArn"`
	JobTemplateID  string    `json:"jobTemplateId"`
	Description    string    `json:"description,omitempty"`
	CreatedAt      Timestamp `json:"createdAt,omitzero"`
}

// ListJobTemplatesOutput is the ListJobTemplates response.
type ListJobTemplatesOutput struct {
	JobTemplates []JobTemplateSummary `json:"jobTemplates"`
	NextToken    string               `json:"nextToken,omitempty"`
}

// ListJobTemplates lists templates newest first (UNCONFIRMED order).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListJobTemplates.html
func (s *Service) ListJobTemplates(_ context.Context, maxResults int, nextToken string) (ListJobTemplatesOutput, error) {
	if err := checkPageSize(maxResults); err != nil {
		return ListJobTemplatesOutput{}, err
	}
	if err := s.lock(); err != nil {
		return ListJobTemplatesOutput{}, err
	}
	list := make([]*template, 0, len(s.templates))
	for _, t := range s.templates {
		list = append(list, t)
	}
	s.mu.Unlock()
	slices.SortFunc(list, func(a, b *template) int { return cmp.Compare(b.seq, a.seq) })
	out := make([]JobTemplateSummary, 0, len(list))
	for _, t := range list {
		out = append(out, JobTemplateSummary{JobTemplateArn: t.arn, JobTemplateID: t.id, Description: t.description, CreatedAt: ts(t.createdAt)})
	}
	page, next, err := pageOf(out, nextToken, maxResults)
	if err != nil {
		return ListJobTemplatesOutput{}, err
	}
	return ListJobTemplatesOutput{JobTemplates: page, NextToken: next}, nil
}

// DeleteJobTemplate deletes a template; jobs created from it keep their
// copy of its document and configurations.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteJobTemplate.html
func (s *Service) DeleteJobTemplate(_ context.Context, id string) error {
	if err := checkID("jobTemplateId", id); err != nil {
		return err
	}
	if err := s.lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if _, ok := s.templates[id]; !ok {
		return errorf(ResourceNotFound, "Job template %s does not exist.", id)
	}
	delete(s.templates, id)
	return nil
}
