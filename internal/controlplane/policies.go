package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/tagging"
)

// Policies and their versions: CreatePolicy, GetPolicy, ListPolicies,
// DeletePolicy, CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions,
// SetDefaultPolicyVersion, DeletePolicyVersion.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreatePolicy.html#API_CreatePolicy_RequestSyntax
// and the pages of the other operations.

func (c *ControlPlane) registerPolicies(rt *route.Router) {
	rt.Handle("/policies", handle(decodeOrdered, c.listPolicies), http.MethodGet)
	rt.Handle("/policies/{policyName}", handle(decodeCreatePolicy, c.createPolicy), http.MethodPost)
	rt.Handle("/policies/{policyName}", handle(path("policyName"), c.getPolicy), http.MethodGet)
	rt.Handle("/policies/{policyName}", handle(path("policyName"), c.deletePolicy), http.MethodDelete)
	rt.Handle("/policies/{policyName}/version", handle(decodeCreatePolicyVersion, c.createPolicyVersion), http.MethodPost)
	rt.Handle("/policies/{policyName}/version", handle(path("policyName"), c.listPolicyVersions), http.MethodGet)
	version := paths("policyName", "policyVersionId")
	rt.Handle("/policies/{policyName}/version/{policyVersionId}", handle(version, c.getPolicyVersion), http.MethodGet)
	rt.Handle("/policies/{policyName}/version/{policyVersionId}", handle(version, c.setDefaultPolicyVersion), http.MethodPatch)
	rt.Handle("/policies/{policyName}/version/{policyVersionId}", handle(version, c.deletePolicyVersion), http.MethodDelete)
}

// policyDocument is the input of CreatePolicy and CreatePolicyVersion.
type policyDocument struct {
	name, document string
	setAsDefault   bool
	tags           []tagging.Tag
}

func decodeCreatePolicy(r *http.Request) (policyDocument, error) {
	var in struct {
		PolicyDocument string        `json:"policyDocument"`
		Tags           []tagging.Tag `json:"tags"`
	}
	if err := readJSON(r, &in); err != nil {
		return policyDocument{}, err
	}
	return policyDocument{name: r.PathValue("policyName"), document: in.PolicyDocument, tags: in.Tags}, createTags(in.Tags)
}

type createPolicyOutput struct {
	PolicyName      string `json:"policyName"`
	PolicyArn       string `json:"policyArn"`
	PolicyDocument  string `json:"policyDocument"`
	PolicyVersionID string `json:"policyVersionId"`
}

func (c *ControlPlane) createPolicy(_ context.Context, in policyDocument) (createPolicyOutput, error) {
	v, err := c.reg.CreatePolicy(in.name, in.document)
	return createPolicyOutput{v.PolicyName, v.PolicyARN, v.Document, v.VersionID}, c.tagCreated(v.PolicyARN, in.tags, err)
}

type getPolicyOutput struct {
	PolicyName       string  `json:"policyName"`
	PolicyArn        string  `json:"policyArn"`
	PolicyDocument   string  `json:"policyDocument"`
	DefaultVersionID string  `json:"defaultVersionId"`
	CreationDate     float64 `json:"creationDate"`
	LastModifiedDate float64 `json:"lastModifiedDate"`
	GenerationID     string  `json:"generationId"`
}

func (c *ControlPlane) getPolicy(_ context.Context, name string) (getPolicyOutput, error) {
	p, err := c.reg.GetPolicy(name)
	return getPolicyOutput{p.Name, p.ARN, p.Document, p.DefaultVersionID, epochSeconds(p.CreationDate), epochSeconds(p.LastModifiedDate), p.GenerationID}, err
}

// policyRef is AWS's Policy shape in lists.
type policyRef struct {
	PolicyName string `json:"policyName"`
	PolicyArn  string `json:"policyArn"`
}

// policyList is the output of ListPolicies, ListAttachedPolicies and
// ListPrincipalPolicies.
type policyList struct {
	Policies   []policyRef `json:"policies"`
	NextMarker string      `json:"nextMarker,omitempty"`
}

func policyListOf(list []registry.Policy, next string) policyList {
	out := policyList{Policies: []policyRef{}, NextMarker: next}
	for _, p := range list {
		out.Policies = append(out.Policies, policyRef{p.Name, p.ARN})
	}
	return out
}

func (c *ControlPlane) listPolicies(_ context.Context, in ordered) (policyList, error) {
	list, next, err := c.reg.ListPolicies(in.token, in.size, in.ascending)
	return policyListOf(list, next), err
}

func (c *ControlPlane) deletePolicy(_ context.Context, name string) (empty, error) {
	if err := c.reg.DeletePolicy(name); err != nil {
		return empty{}, err
	}
	c.tags.Drop(c.reg.PolicyARN(name))
	return empty{}, nil
}

func decodeCreatePolicyVersion(r *http.Request) (policyDocument, error) {
	var in struct {
		PolicyDocument string `json:"policyDocument"`
	}
	setDefault, err := awsrest.QueryBool(r, "setAsDefault")
	if err == nil {
		err = readJSON(r, &in)
	}
	return policyDocument{r.PathValue("policyName"), in.PolicyDocument, setDefault, nil}, err
}

type createPolicyVersionOutput struct {
	PolicyArn        string `json:"policyArn"`
	PolicyDocument   string `json:"policyDocument"`
	PolicyVersionID  string `json:"policyVersionId"`
	IsDefaultVersion bool   `json:"isDefaultVersion"`
}

func (c *ControlPlane) createPolicyVersion(_ context.Context, in policyDocument) (createPolicyVersionOutput, error) {
	v, err := c.reg.CreatePolicyVersion(in.name, in.document, in.setAsDefault)
	return createPolicyVersionOutput{v.PolicyARN, v.Document, v.VersionID, v.IsDefault}, err
}

type getPolicyVersionOutput struct {
	PolicyArn        string  `json:"policyArn"`
	PolicyName       string  `json:"policyName"`
	PolicyDocument   string  `json:"policyDocument"`
	PolicyVersionID  string  `json:"policyVersionId"`
	IsDefaultVersion bool    `json:"isDefaultVersion"`
	CreationDate     float64 `json:"creationDate"`
	LastModifiedDate float64 `json:"lastModifiedDate"`
	GenerationID     string  `json:"generationId"`
}

func (c *ControlPlane) getPolicyVersion(_ context.Context, in pathPair) (getPolicyVersionOutput, error) {
	v, err := c.reg.GetPolicyVersion(in.a, in.b)
	return getPolicyVersionOutput{
		v.PolicyARN, v.PolicyName, v.Document, v.VersionID, v.IsDefault,
		epochSeconds(v.CreationDate), epochSeconds(v.LastModifiedDate), v.GenerationID,
	}, err
}

type policyVersionItem struct {
	VersionID        string  `json:"versionId"`
	IsDefaultVersion bool    `json:"isDefaultVersion"`
	CreateDate       float64 `json:"createDate"`
}

type listPolicyVersionsOutput struct {
	PolicyVersions []policyVersionItem `json:"policyVersions"`
}

func (c *ControlPlane) listPolicyVersions(_ context.Context, name string) (listPolicyVersionsOutput, error) {
	vs, err := c.reg.ListPolicyVersions(name)
	out := listPolicyVersionsOutput{PolicyVersions: []policyVersionItem{}}
	for _, v := range vs {
		out.PolicyVersions = append(out.PolicyVersions, policyVersionItem{v.VersionID, v.IsDefault, epochSeconds(v.CreationDate)})
	}
	return out, err
}

func (c *ControlPlane) setDefaultPolicyVersion(_ context.Context, in pathPair) (empty, error) {
	return empty{}, c.reg.SetDefaultPolicyVersion(in.a, in.b)
}

func (c *ControlPlane) deletePolicyVersion(_ context.Context, in pathPair) (empty, error) {
	return empty{}, c.reg.DeletePolicyVersion(in.a, in.b)
}
