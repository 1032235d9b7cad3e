package controlplane

import (
	"context"
	"net/http"
	"strings"

	"github.com/iotemu/iotemu/internal/awsid"
	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/tagging"
)

// Tagging: TagResource, UntagResource, ListTagsForResource on the tag
// store, by ARN. The ARN is resolved to its owner first (owners below), so
// an unknown resource is a 404 and a thing, which AWS does not let be
// tagged, an InvalidRequestException (UNCONFIRMED, docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_TagResource.html#API_TagResource_RequestSyntax
// and https://docs.aws.amazon.com/iot/latest/developerguide/tagging-iot.html#tagging-iot-basics

func (c *ControlPlane) registerTags(rt *route.Router) {
	rt.Handle("/tags", handle(decodeTagResource, c.tagResource), http.MethodPost)
	rt.Handle("/untag", handle(decodeUntagResource, c.untagResource), http.MethodPost)
	rt.Handle("/tags", handle(decodeListTags, c.listTags), http.MethodGet)
}

// owner reports whether the named resource of one ARN resource type
// exists: nil, or its ResourceNotFoundException.
type owner func(name string) error

// owners maps the resource type of an ARN (the part before the first /)
// to the component that holds such resources.
func (c *ControlPlane) owners() map[string]owner {
	m := map[string]owner{
		"thinggroup":   func(n string) error { _, err := c.reg.DescribeThingGroup(n); return err },
		"thingtype":    func(n string) error { _, err := c.reg.DescribeThingType(n); return err },
		"policy":       func(n string) error { _, err := c.reg.GetPolicy(n); return err },
		"billinggroup": func(n string) error { _, err := c.reg.DescribeBillingGroup(n); return err },
		"cacert":       func(n string) error { _, err := c.reg.DescribeCACertificate(n); return err },
		"rule": func(n string) error {
			if _, err := c.cfg.Rules.Get(n); err != nil {
				return notFound("Rule %s does not exist", n)
			}
			return nil
		},
	}
	m["domainconfiguration"] = c.domainConfigExists
	m["rolealias"] = func(n string) error { _, err := c.reg.DescribeRoleAlias(n); return err }
	if c.cfg.Authorizers != nil {
		m["authorizer"] = func(n string) error {
			if _, err := c.cfg.Authorizers.Get(n); err != nil {
				return err
			}
			return nil
		}
	}
	return m
}

func notFound(format string, args ...any) *awsrest.Error {
	return awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound, format, args...)
}

// resolveTaggable checks that arn names an existing taggable resource of
// this account and region.
func (c *ControlPlane) resolveTaggable(arn string) error {
	prefix := awsid.ARN("iot", c.reg.Region(), c.reg.AccountID(), "")
	rest, ok := strings.CutPrefix(arn, prefix)
	if !ok {
		return notFound("Resource %s does not exist", arn) // message UNCONFIRMED
	}
	typ, name, _ := strings.Cut(rest, "/")
	if typ == "thing" {
		// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThing.html#API_CreateThing_RequestSyntax
		// (no tags member; things carry attributes instead).
		return awsrest.Invalid("Things are not taggable resources: %s", arn)
	}
	own, ok := c.owners()[typ]
	if !ok || name == "" {
		return notFound("Resource %s does not exist", arn)
	}
	return own(name)
}

type tagResourceInput struct {
	ResourceArn string        `json:"resourceArn"`
	Tags        []tagging.Tag `json:"tags"`
}

func decodeTagResource(r *http.Request) (tagResourceInput, error) {
	var in tagResourceInput
	if err := readJSON(r, &in); err != nil {
		return in, err
	}
	if in.ResourceArn == "" || in.Tags == nil {
		return in, awsrest.Invalid("resourceArn and tags are required")
	}
	return in, nil
}

func (c *ControlPlane) tagResource(_ context.Context, in tagResourceInput) (empty, error) {
	if err := c.resolveTaggable(in.ResourceArn); err != nil {
		return empty{}, err
	}
	return empty{}, c.tags.Tag(in.ResourceArn, in.Tags)
}

type untagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

func decodeUntagResource(r *http.Request) (untagResourceInput, error) {
	var in untagResourceInput
	if err := readJSON(r, &in); err != nil {
		return in, err
	}
	if in.ResourceArn == "" || in.TagKeys == nil {
		return in, awsrest.Invalid("resourceArn and tagKeys are required")
	}
	return in, nil
}

func (c *ControlPlane) untagResource(_ context.Context, in untagResourceInput) (empty, error) {
	if err := c.resolveTaggable(in.ResourceArn); err != nil {
		return empty{}, err
	}
	return empty{}, c.tags.Untag(in.ResourceArn, in.TagKeys)
}

type listTagsInput struct {
	arn   string
	token string
}

func decodeListTags(r *http.Request) (listTagsInput, error) {
	q := r.URL.Query()
	if q.Get("resourceArn") == "" {
		return listTagsInput{}, awsrest.Invalid("resourceArn is required")
	}
	return listTagsInput{q.Get("resourceArn"), q.Get("nextToken")}, nil
}

type listTagsOutput struct {
	Tags      []tagging.Tag `json:"tags"`
	NextToken string        `json:"nextToken,omitempty"`
}

// listTags answers every tag in one page: a resource has at most 50.
func (c *ControlPlane) listTags(_ context.Context, in listTagsInput) (listTagsOutput, error) {
	if err := c.resolveTaggable(in.arn); err != nil {
		return listTagsOutput{}, err
	}
	if in.token != "" {
		return listTagsOutput{}, awsrest.Invalid("Invalid nextToken")
	}
	return listTagsOutput{Tags: c.tags.List(in.arn)}, nil
}

// createTags validates the tags member of a Create operation; the tags are
// stored by tagCreated once the resource exists.
func createTags(tags []tagging.Tag) error { return tagging.Validate(tags) }

// tagCreated stores the tags given on a successful Create.
func (c *ControlPlane) tagCreated(arn string, tags []tagging.Tag, err error) error {
	if err != nil || len(tags) == 0 {
		return err
	}
	return c.tags.Tag(arn, tags)
}
