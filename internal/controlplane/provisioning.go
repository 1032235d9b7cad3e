package controlplane

import (
	"context"
	"errors"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/provisioning"
	"github.com/iotemu/iotemu/tagging"
)

// Fleet provisioning's control plane: provisioning templates and their
// versions, provisioning claims and RegisterThing, on the provisioning
// service. Paths, methods and query names are those of botocore's iot
// service-2.json.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateProvisioningTemplate.html#API_CreateProvisioningTemplate_RequestSyntax
// and the pages of the other operations.

func (c *ControlPlane) registerProvisioning(rt *route.Router) {
	p := c.cfg.Provisioning
	if p == nil {
		return
	}
	const base = "/provisioning-templates"
	rt.Handle(base, provHandle(decodeCreateProvTemplate, c.createProvisioningTemplate), http.MethodPost)
	rt.Handle(base, provHandle(decodeListProvTemplates, p.ListProvisioningTemplates), http.MethodGet)
	rt.Handle(base+"/{templateName}", provHandle(path("templateName"), p.DescribeProvisioningTemplate), http.MethodGet)
	rt.Handle(base+"/{templateName}", provHandle(decodeUpdateProvTemplate, noOutput(p.UpdateProvisioningTemplate)), http.MethodPatch)
	rt.Handle(base+"/{templateName}", provHandle(path("templateName"), noOutput(c.deleteProvisioningTemplate)), http.MethodDelete)
	rt.Handle(base+"/{templateName}/versions", provHandle(decodeCreateProvVersion, p.CreateProvisioningTemplateVersion), http.MethodPost)
	rt.Handle(base+"/{templateName}/versions", provHandle(decodeListProvVersions, p.ListProvisioningTemplateVersions), http.MethodGet)
	rt.Handle(base+"/{templateName}/versions/{versionId}", provHandle(decodeProvVersion, p.DescribeProvisioningTemplateVersion), http.MethodGet)
	rt.Handle(base+"/{templateName}/versions/{versionId}", provHandle(decodeProvVersion, noOutput(p.DeleteProvisioningTemplateVersion)), http.MethodDelete)
	rt.Handle(base+"/{templateName}/provisioning-claim", provHandle(path("templateName"), p.CreateProvisioningClaim), http.MethodPost)
	rt.Handle("/things", provHandle(decodeRegisterThing, p.RegisterThing), http.MethodPost)
}

// provisioningError maps the provisioning service's errors to the wire.
func provisioningError(err error) *awsrest.Error {
	if errors.Is(err, provisioning.ErrClosed) {
		return awsrest.Errorf(http.StatusServiceUnavailable, "ServiceUnavailableException", "Service unavailable")
	}
	var pe *provisioning.Error
	if !errors.As(err, &pe) {
		return nil
	}
	return &awsrest.Error{Status: pe.Status(), Type: string(pe.Code), Message: pe.Message}
}

func provHandle[In, Out any](decode func(*http.Request) (In, error), call func(context.Context, In) (Out, error)) http.Handler {
	return awsrest.Handle(provisioningError, decode, call)
}

func decodeCreateProvTemplate(r *http.Request) (provisioning.CreateProvisioningTemplateInput, error) {
	var in provisioning.CreateProvisioningTemplateInput
	err := readJSON(r, &in)
	return in, err
}

// createProvisioningTemplate creates a template and tags it.
func (c *ControlPlane) createProvisioningTemplate(ctx context.Context, in provisioning.CreateProvisioningTemplateInput) (provisioning.CreateProvisioningTemplateOutput, error) {
	tags := make([]tagging.Tag, len(in.Tags))
	for i, t := range in.Tags {
		v := t.Value
		tags[i] = tagging.Tag{Key: t.Key, Value: &v}
	}
	if err := createTags(tags); err != nil {
		return provisioning.CreateProvisioningTemplateOutput{}, err
	}
	out, err := c.cfg.Provisioning.CreateProvisioningTemplate(ctx, in)
	return out, c.tagCreated(out.TemplateArn, tags, err)
}

// deleteProvisioningTemplate deletes a template and its tags.
func (c *ControlPlane) deleteProvisioningTemplate(ctx context.Context, name string) error {
	if err := c.cfg.Provisioning.DeleteProvisioningTemplate(ctx, name); err != nil {
		return err //nolint:wrapcheck // the service's AWS error
	}
	c.tags.Drop(c.cfg.Provisioning.TemplateARN(name))
	return nil
}

func decodeListProvTemplates(r *http.Request) (provisioning.ListProvisioningTemplatesInput, error) {
	n, err := awsrest.QueryInt(r, "maxResults")
	return provisioning.ListProvisioningTemplatesInput{MaxResults: n, NextToken: r.URL.Query().Get("nextToken")}, err
}

func decodeUpdateProvTemplate(r *http.Request) (provisioning.UpdateProvisioningTemplateInput, error) {
	var in provisioning.UpdateProvisioningTemplateInput
	err := readJSON(r, &in)
	in.TemplateName = r.PathValue("templateName")
	return in, err
}

func decodeCreateProvVersion(r *http.Request) (provisioning.CreateProvisioningTemplateVersionInput, error) {
	var in provisioning.CreateProvisioningTemplateVersionInput
	if err := readJSON(r, &in); err != nil {
		return in, err
	}
	def, err := awsrest.QueryBool(r, "setAsDefault")
	in.TemplateName, in.SetAsDefault = r.PathValue("templateName"), def
	return in, err
}

func decodeListProvVersions(r *http.Request) (provisioning.ListVersionsInput, error) {
	n, err := awsrest.QueryInt(r, "maxResults")
	return provisioning.ListVersionsInput{TemplateName: r.PathValue("templateName"), MaxResults: n, NextToken: r.URL.Query().Get("nextToken")}, err
}

func decodeProvVersion(r *http.Request) (provisioning.VersionInput, error) {
	return provisioning.VersionInput{TemplateName: r.PathValue("templateName"), VersionID: r.PathValue("versionId")}, nil
}

func decodeRegisterThing(r *http.Request) (provisioning.RegisterThingInput, error) {
	var in provisioning.RegisterThingInput
	err := readJSON(r, &in)
	return in, err
}
