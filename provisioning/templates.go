package provisioning

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
)

// Template types.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateProvisioningTemplate.html#iot-CreateProvisioningTemplate-request-type
const (
	TypeFleetProvisioning = "FLEET_PROVISIONING"
	TypeJITP              = "JITP"
)

// Limits of the model (botocore iot service-2.json) and of the guide.
const (
	maxTemplateBody  = 10240 // TemplateBody
	maxDescription   = 500   // TemplateDescription
	maxVersions      = 5     // UNCONFIRMED: VersionsLimitExceededException on the 6th
	maxPageSize      = 250
	hookTimeout      = 5 * time.Second
	defaultHookPayld = "2020-04-01"
)

var (
	templateNamePattern   = regexp.MustCompile(`^[0-9A-Za-z_-]+$`)
	payloadVersionPattern = regexp.MustCompile(`^[0-9-]+$`)
)

// template is a stored provisioning template.
type template struct {
	name, arn, description string
	created, modified      time.Time
	enabled                bool
	roleARN                string
	hook                   *Hook
	typ                    string
	versions               []*version // ascending ids
	nextVersion            int
	defaultVersion         int
	seq                    int64
}

type version struct {
	id      int
	body    string
	parsed  *Body
	created time.Time
}

func (t *template) version(id int) *version {
	for _, v := range t.versions {
		if v.id == id {
			return v
		}
	}
	return nil
}

// Hook is a template's pre-provisioning hook.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ProvisioningHook.html
type Hook struct {
	PayloadVersion string `json:"payloadVersion,omitempty"`
	TargetArn      string `json:"targetArn"`
}

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// CreateProvisioningTemplateInput is the CreateProvisioningTemplate
// request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateProvisioningTemplate.html#API_CreateProvisioningTemplate_RequestSyntax
type CreateProvisioningTemplateInput struct {
	TemplateName        string `json:"templateName"`
	Description         string `json:"description,omitempty"`
	TemplateBody        string `json:"templateBody"`
	Enabled             bool   `json:"enabled,omitempty"`
	ProvisioningRoleArn string `json:"provisioningRoleArn"`
	PreProvisioningHook *Hook  `json:"preProvisioningHook,omitempty"`
	Tags                []Tag  `json:"tags,omitempty"`
	Type                string `json:"type,omitempty"`
}

// CreateProvisioningTemplateOutput is its response.
type CreateProvisioningTemplateOutput struct {
	TemplateArn      string `json:"templateArn"`
	TemplateName     string `json:"templateName"`
	DefaultVersionID int    `json:"defaultVersionId"`
}

// CreateProvisioningTemplate stores a template and its version 1, the
// default. enabled defaults to false (UNCONFIRMED: the samples always pass
// it).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateProvisioningTemplate.html
func (s *Service) CreateProvisioningTemplate(_ context.Context, in CreateProvisioningTemplateInput) (CreateProvisioningTemplateOutput, error) {
	if err := checkTemplateName(in.TemplateName); err != nil {
		return CreateProvisioningTemplateOutput{}, err
	}
	if len(in.Description) > maxDescription {
		return CreateProvisioningTemplateOutput{}, lengthError("description", in.Description, 0, maxDescription)
	}
	if l := len(in.ProvisioningRoleArn); l < 20 || l > 2048 {
		return CreateProvisioningTemplateOutput{}, lengthError("provisioningRoleArn", in.ProvisioningRoleArn, 20, 2048)
	}
	if in.Type == "" {
		in.Type = TypeFleetProvisioning
	}
	if in.Type != TypeFleetProvisioning && in.Type != TypeJITP {
		return CreateProvisioningTemplateOutput{}, errorf(InvalidRequest,
			"1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [JITP, FLEET_PROVISIONING]", in.Type)
	}
	hook, err := checkHook(in.PreProvisioningHook, in.Type)
	if err != nil {
		return CreateProvisioningTemplateOutput{}, err
	}
	body, err := parseTemplateBody(in.TemplateBody)
	if err != nil {
		return CreateProvisioningTemplateOutput{}, err
	}
	if err := s.lock(); err != nil {
		return CreateProvisioningTemplateOutput{}, err
	}
	defer s.mu.Unlock()
	if _, ok := s.templates[in.TemplateName]; ok {
		// AWS: message UNCONFIRMED.
		return CreateProvisioningTemplateOutput{}, errorf(ResourceAlreadyExists, "Template with name %s already exists", in.TemplateName)
	}
	now := s.cfg.Now()
	s.seq++
	t := &template{
		name: in.TemplateName, arn: s.TemplateARN(in.TemplateName), description: in.Description,
		created: now, modified: now, enabled: in.Enabled, roleARN: in.ProvisioningRoleArn, hook: hook, typ: in.Type,
		versions: []*version{{id: 1, body: in.TemplateBody, parsed: body, created: now}}, nextVersion: 2, defaultVersion: 1,
		seq: s.seq,
	}
	s.templates[t.name] = t
	s.log.Info("CreateProvisioningTemplate", "template", t.name, "type", t.typ, "enabled", t.enabled)
	return CreateProvisioningTemplateOutput{TemplateArn: t.arn, TemplateName: t.name, DefaultVersionID: 1}, nil
}

func checkTemplateName(name string) *Error {
	if name == "" || len(name) > 36 || !templateNamePattern.MatchString(name) {
		return errorf(InvalidRequest, "1 validation error detected: Value '%s' at 'templateName' failed to satisfy constraint: "+
			"Member must satisfy regular expression pattern: ^[0-9A-Za-z_-]+$ and have length between 1 and 36", name)
	}
	return nil
}

func lengthError(member, value string, minLen, maxLen int) *Error {
	if len(value) > 256 {
		value = value[:256] + "..."
	}
	return errorf(InvalidRequest, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "+
		"Member must have length between %d and %d", value, member, minLen, maxLen)
}

// checkHook validates a pre-provisioning hook: FLEET_PROVISIONING
// templates only, a Lambda function ARN, payloadVersion 2020-04-01 by
// default.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/pre-provisioning-hook.html#pre-provisioning-hook
func checkHook(h *Hook, typ string) (*Hook, *Error) {
	if h == nil {
		return nil, nil
	}
	if typ == TypeJITP {
		return nil, errorf(InvalidRequest, "Pre-provisioning hooks are only supported for templates of type FLEET_PROVISIONING")
	}
	if h.TargetArn == "" || len(h.TargetArn) > 2048 {
		return nil, lengthError("preProvisioningHook.targetArn", h.TargetArn, 1, 2048)
	}
	if awsid.Resource(h.TargetArn) == h.TargetArn || !isLambdaARN(h.TargetArn) {
		return nil, errorf(InvalidRequest, "The pre-provisioning hook target %s is not a Lambda function ARN", h.TargetArn)
	}
	out := *h
	if out.PayloadVersion == "" {
		out.PayloadVersion = defaultHookPayld
	}
	if l := len(out.PayloadVersion); l < 10 || l > 32 || !payloadVersionPattern.MatchString(out.PayloadVersion) {
		return nil, errorf(InvalidRequest, "1 validation error detected: Value '%s' at 'preProvisioningHook.payloadVersion' failed to satisfy constraint: "+
			"Member must satisfy regular expression pattern: ^[0-9-]+$ and have length between 10 and 32", out.PayloadVersion)
	}
	return &out, nil
}

var lambdaARN = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$`)

func isLambdaARN(s string) bool { return lambdaARN.MatchString(s) }

// DescribeProvisioningTemplateOutput is DescribeProvisioningTemplate's
// response.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeProvisioningTemplate.html#API_DescribeProvisioningTemplate_ResponseSyntax
type DescribeProvisioningTemplateOutput struct {
	TemplateArn         string    `json:"templateArn"`
	TemplateName        string    `json:"templateName"`
	Description         string    `json:"description,omitempty"`
	CreationDate        Timestamp `json:"creationDate,omitzero"`
	LastModifiedDate    Timestamp `json:"lastModifiedDate,omitzero"`
	DefaultVersionID    int       `json:"defaultVersionId"`
	TemplateBody        string    `json:"templateBody"`
	Enabled             bool      `json:"enabled"`
	ProvisioningRoleArn string    `json:"provisioningRoleArn"`
	PreProvisioningHook *Hook     `json:"preProvisioningHook,omitempty"`
	Type                string    `json:"type"`
}

// DescribeProvisioningTemplate returns a template with its default
// version's body.
func (s *Service) DescribeProvisioningTemplate(_ context.Context, name string) (DescribeProvisioningTemplateOutput, error) {
	if err := s.lock(); err != nil {
		return DescribeProvisioningTemplateOutput{}, err
	}
	defer s.mu.Unlock()
	t, err := s.templateLocked(name)
	if err != nil {
		return DescribeProvisioningTemplateOutput{}, err
	}
	return DescribeProvisioningTemplateOutput{
		TemplateArn: t.arn, TemplateName: t.name, Description: t.description,
		CreationDate: Timestamp{Time: t.created}, LastModifiedDate: Timestamp{Time: t.modified}, DefaultVersionID: t.defaultVersion,
		TemplateBody: t.version(t.defaultVersion).body, Enabled: t.enabled, ProvisioningRoleArn: t.roleARN,
		PreProvisioningHook: t.hook, Type: t.typ,
	}, nil
}

func (s *Service) templateLocked(name string) (*template, *Error) {
	t, ok := s.templates[name]
	if !ok {
		// AWS: message UNCONFIRMED.
		return nil, errorf(ResourceNotFound, "The specified template does not exist: %s", name)
	}
	return t, nil
}

// ListProvisioningTemplatesInput is ListProvisioningTemplates' request.
type ListProvisioningTemplatesInput struct {
	MaxResults int
	NextToken  string
}

// TemplateSummary is one template of ListProvisioningTemplates.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ProvisioningTemplateSummary.html
type TemplateSummary struct {
	TemplateArn      string    `json:"templateArn"`
	TemplateName     string    `json:"templateName"`
	Description      string    `json:"description,omitempty"`
	CreationDate     Timestamp `json:"creationDate,omitzero"`
	LastModifiedDate Timestamp `json:"lastModifiedDate,omitzero"`
	Enabled          bool      `json:"enabled"`
	Type             string    `json:"type"`
}

// ListProvisioningTemplatesOutput is its response.
type ListProvisioningTemplatesOutput struct {
	Templates []TemplateSummary `json:"templates"`
	NextToken string            `json:"nextToken,omitempty"`
}

// ListProvisioningTemplates lists templates by name.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListProvisioningTemplates.html
func (s *Service) ListProvisioningTemplates(_ context.Context, in ListProvisioningTemplatesInput) (ListProvisioningTemplatesOutput, error) {
	if in.MaxResults < 0 || in.MaxResults > maxPageSize {
		return ListProvisioningTemplatesOutput{}, errorf(InvalidRequest, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 250", in.MaxResults)
	}
	if in.MaxResults == 0 {
		in.MaxResults = maxPageSize
	}
	if err := s.lock(); err != nil {
		return ListProvisioningTemplatesOutput{}, err
	}
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.templates))
	for n := range s.templates {
		names = append(names, n)
	}
	slices.Sort(names)
	page, next, err := awsid.Page(names, in.NextToken, in.MaxResults)
	if err != nil {
		return ListProvisioningTemplatesOutput{}, errorf(InvalidRequest, "Invalid nextToken: %s", in.NextToken)
	}
	out := ListProvisioningTemplatesOutput{Templates: []TemplateSummary{}, NextToken: next}
	for _, n := range page {
		t := s.templates[n]
		out.Templates = append(out.Templates, TemplateSummary{
			TemplateArn: t.arn, TemplateName: t.name, Description: t.description,
			CreationDate: Timestamp{Time: t.created}, LastModifiedDate: Timestamp{Time: t.modified}, Enabled: t.enabled, Type: t.typ,
		})
	}
	return out, nil
}

// UpdateProvisioningTemplateInput is UpdateProvisioningTemplate's request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateProvisioningTemplate.html#API_UpdateProvisioningTemplate_RequestSyntax
type UpdateProvisioningTemplateInput struct {
	TemplateName              string  `json:"-"`
	Description               *string `json:"description,omitempty"`
	Enabled                   *bool   `json:"enabled,omitempty"`
	DefaultVersionID          *int    `json:"defaultVersionId,omitempty"`
	ProvisioningRoleArn       *string `json:"provisioningRoleArn,omitempty"`
	PreProvisioningHook       *Hook   `json:"preProvisioningHook,omitempty"`
	RemovePreProvisioningHook bool    `json:"removePreProvisioningHook,omitempty"`
}

// UpdateProvisioningTemplate changes a template's description, enabled
// flag, default version, role or hook.
func (s *Service) UpdateProvisioningTemplate(_ context.Context, in UpdateProvisioningTemplateInput) error {
	if in.Description != nil && len(*in.Description) > maxDescription {
		return lengthError("description", *in.Description, 0, maxDescription)
	}
	if in.ProvisioningRoleArn != nil {
		if l := len(*in.ProvisioningRoleArn); l < 20 || l > 2048 {
			return lengthError("provisioningRoleArn", *in.ProvisioningRoleArn, 20, 2048)
		}
	}
	if err := s.lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	t, err := s.templateLocked(in.TemplateName)
	if err != nil {
		return err
	}
	var hook *Hook
	if in.PreProvisioningHook != nil {
		if in.RemovePreProvisioningHook {
			return errorf(InvalidRequest, "preProvisioningHook and removePreProvisioningHook cannot both be set")
		}
		h, err := checkHook(in.PreProvisioningHook, t.typ)
		if err != nil {
			return err
		}
		hook = h
	}
	if in.DefaultVersionID != nil && t.version(*in.DefaultVersionID) == nil {
		return errorf(ResourceNotFound, "The specified template version does not exist: %d", *in.DefaultVersionID)
	}
	if in.Description != nil {
		t.description = *in.Description
	}
	if in.Enabled != nil {
		t.enabled = *in.Enabled
	}
	if in.DefaultVersionID != nil {
		t.defaultVersion = *in.DefaultVersionID
	}
	if in.ProvisioningRoleArn != nil {
		t.roleARN = *in.ProvisioningRoleArn
	}
	switch {
	case hook != nil:
		t.hook = hook
	case in.RemovePreProvisioningHook:
		t.hook = nil
	}
	t.modified = s.cfg.Now()
	s.log.Info("UpdateProvisioningTemplate", "template", t.name, "enabled", t.enabled, "defaultVersionId", t.defaultVersion)
	return nil
}

// DeleteProvisioningTemplate deletes a template and its versions.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteProvisioningTemplate.html
func (s *Service) DeleteProvisioningTemplate(_ context.Context, name string) error {
	if err := s.lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if _, err := s.templateLocked(name); err != nil {
		return err
	}
	delete(s.templates, name)
	s.log.Info("DeleteProvisioningTemplate", "template", name)
	return nil
}

// CreateProvisioningTemplateVersionInput is
// CreateProvisioningTemplateVersion's request.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateProvisioningTemplateVersion.html#API_CreateProvisioningTemplateVersion_RequestSyntax
type CreateProvisioningTemplateVersionInput struct {
	TemplateName string `json:"-"`
	TemplateBody string `json:"templateBody"`
	SetAsDefault bool   `json:"-"`
}

// CreateProvisioningTemplateVersionOutput is its response.
type CreateProvisioningTemplateVersionOutput struct {
	TemplateArn      string `json:"templateArn"`
	TemplateName     string `json:"templateName"`
	VersionID        int    `json:"versionId"`
	IsDefaultVersion bool   `json:"isDefaultVersion"`
}

// CreateProvisioningTemplateVersion adds a version, the default with
// setAsDefault. A template holds at most 5 versions (UNCONFIRMED).
func (s *Service) CreateProvisioningTemplateVersion(_ context.Context, in CreateProvisioningTemplateVersionInput) (CreateProvisioningTemplateVersionOutput, error) {
	body, perr := parseTemplateBody(in.TemplateBody)
	if err := s.lock(); err != nil {
		return CreateProvisioningTemplateVersionOutput{}, err
	}
	defer s.mu.Unlock()
	t, err := s.templateLocked(in.TemplateName)
	if err != nil {
		return CreateProvisioningTemplateVersionOutput{}, err
	}
	if perr != nil {
		return CreateProvisioningTemplateVersionOutput{}, perr
	}
	if len(t.versions) >= maxVersions {
		return CreateProvisioningTemplateVersionOutput{}, errorf(VersionsLimitExceeded,
			"The template %s already has the maximum number of versions (%d)", t.name, maxVersions)
	}
	now := s.cfg.Now()
	v := &version{id: t.nextVersion, body: in.TemplateBody, parsed: body, created: now}
	t.nextVersion++
	t.versions = append(t.versions, v)
	if in.SetAsDefault {
		t.defaultVersion = v.id
	}
	t.modified = now
	s.log.Info("CreateProvisioningTemplateVersion", "template", t.name, "versionId", v.id, "default", in.SetAsDefault)
	return CreateProvisioningTemplateVersionOutput{
		TemplateArn: t.arn, TemplateName: t.name, VersionID: v.id, IsDefaultVersion: t.defaultVersion == v.id,
	}, nil
}

// VersionInput names one version of a template.
type VersionInput struct {
	TemplateName string
	VersionID    string
}

// DescribeProvisioningTemplateVersionOutput is
// DescribeProvisioningTemplateVersion's response.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeProvisioningTemplateVersion.html#API_DescribeProvisioningTemplateVersion_ResponseSyntax
type DescribeProvisioningTemplateVersionOutput struct {
	VersionID        int       `json:"versionId"`
	CreationDate     Timestamp `json:"creationDate,omitzero"`
	TemplateBody     string    `json:"templateBody"`
	IsDefaultVersion bool      `json:"isDefaultVersion"`
}

// DescribeProvisioningTemplateVersion returns one version.
func (s *Service) DescribeProvisioningTemplateVersion(_ context.Context, in VersionInput) (DescribeProvisioningTemplateVersionOutput, error) {
	if err := s.lock(); err != nil {
		return DescribeProvisioningTemplateVersionOutput{}, err
	}
	defer s.mu.Unlock()
	t, v, err := s.versionLocked(in)
	if err != nil {
		return DescribeProvisioningTemplateVersionOutput{}, err
	}
	return DescribeProvisioningTemplateVersionOutput{
		VersionID: v.id, CreationDate: Timestamp{Time: v.created}, TemplateBody: v.body, IsDefaultVersion: t.defaultVersion == v.id,
	}, nil
}

func (s *Service) versionLocked(in VersionInput) (*template, *version, *Error) {
	t, err := s.templateLocked(in.TemplateName)
	if err != nil {
		return nil, nil, err
	}
	id, convErr := strconv.Atoi(in.VersionID)
	if convErr != nil {
		return nil, nil, errorf(InvalidRequest, "Invalid versionId: %s", in.VersionID)
	}
	v := t.version(id)
	if v == nil {
		return nil, nil, errorf(ResourceNotFound, "The specified template version does not exist: %d", id)
	}
	return t, v, nil
}

// VersionSummary is one version of ListProvisioningTemplateVersions.
type VersionSummary struct {
	VersionID        int       `json:"versionId"`
	CreationDate     Timestamp `json:"creationDate,omitzero"`
	IsDefaultVersion bool      `json:"isDefaultVersion"`
}

// ListVersionsInput is ListProvisioningTemplateVersions' request.
type ListVersionsInput struct {
	TemplateName string
	MaxResults   int
	NextToken    string
}

// ListVersionsOutput is its response.
type ListVersionsOutput struct {
	Versions  []VersionSummary `json:"versions"`
	NextToken string           `json:"nextToken,omitempty"`
}

// ListProvisioningTemplateVersions lists a template's versions by id.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListProvisioningTemplateVersions.html
func (s *Service) ListProvisioningTemplateVersions(_ context.Context, in ListVersionsInput) (ListVersionsOutput, error) {
	if in.MaxResults < 0 || in.MaxResults > maxPageSize {
		return ListVersionsOutput{}, errorf(InvalidRequest, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 250", in.MaxResults)
	}
	if in.MaxResults == 0 {
		in.MaxResults = maxPageSize
	}
	if err := s.lock(); err != nil {
		return ListVersionsOutput{}, err
	}
	defer s.mu.Unlock()
	t, err := s.templateLocked(in.TemplateName)
	if err != nil {
		return ListVersionsOutput{}, err
	}
	keys := make([]string, len(t.versions))
	byKey := map[string]*version{}
	for i, v := range t.versions {
		keys[i] = strconv.Itoa(1_000_000 + v.id) // sortable
		byKey[keys[i]] = v
	}
	page, next, perr := awsid.Page(keys, in.NextToken, in.MaxResults)
	if perr != nil {
		return ListVersionsOutput{}, errorf(InvalidRequest, "Invalid nextToken: %s", in.NextToken)
	}
	out := ListVersionsOutput{Versions: []VersionSummary{}, NextToken: next}
	for _, k := range page {
		v := byKey[k]
		out.Versions = append(out.Versions, VersionSummary{VersionID: v.id, CreationDate: Timestamp{Time: v.created}, IsDefaultVersion: v.id == t.defaultVersion})
	}
	return out, nil
}

// DeleteProvisioningTemplateVersion deletes a version that is not the
// default (DeleteConflictException, UNCONFIRMED).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteProvisioningTemplateVersion.html
func (s *Service) DeleteProvisioningTemplateVersion(_ context.Context, in VersionInput) error {
	if err := s.lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	t, v, err := s.versionLocked(in)
	if err != nil {
		return err
	}
	if v.id == t.defaultVersion {
		return errorf(DeleteConflict, "Cannot delete the default version %d of template %s", v.id, t.name)
	}
	t.versions = slices.DeleteFunc(t.versions, func(x *version) bool { return x == v })
	s.log.Info("DeleteProvisioningTemplateVersion", "template", t.name, "versionId", v.id)
	return nil
}

// templateView is what a provisioning run reads of a template, copied
// under the lock.
type templateView struct {
	name, arn string
	enabled   bool
	typ       string
	hook      *Hook
}

// activeTemplate returns a template and its default version's body.
func (s *Service) activeTemplate(name string) (templateView, *Body, error) {
	if err := s.lock(); err != nil {
		return templateView{}, nil, err
	}
	defer s.mu.Unlock()
	t, err := s.templateLocked(name)
	if err != nil {
		return templateView{}, nil, err
	}
	v := templateView{name: t.name, arn: t.arn, enabled: t.enabled, typ: t.typ}
	if t.hook != nil {
		h := *t.hook
		v.hook = &h
	}
	return v, t.version(t.defaultVersion).parsed, nil
}
