package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/registry"
)

// Attachments: AttachPolicy, DetachPolicy, the legacy
// AttachPrincipalPolicy/DetachPrincipalPolicy, ListAttachedPolicies,
// ListTargetsForPolicy, ListPrincipalPolicies, AttachThingPrincipal,
// DetachThingPrincipal, ListThingPrincipals, ListPrincipalThings.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_AttachPolicy.html#API_AttachPolicy_RequestSyntax
// and the pages of the other operations.

// Header names. AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_AttachThingPrincipal.html#API_AttachThingPrincipal_RequestSyntax
// (x-amzn-principal) and API_AttachPrincipalPolicy.html (x-amzn-iot-principal).
const (
	headerIoTPrincipal = "x-amzn-iot-principal"
	headerPrincipal    = "x-amzn-principal"
)

func (c *ControlPlane) registerAttachments(rt *route.Router) {
	rt.Handle("/target-policies/{policyName}", handle(decodeTargetPolicy, c.attachPolicy), http.MethodPut)
	rt.Handle("/target-policies/{policyName}", handle(decodeTargetPolicy, c.detachPolicy), http.MethodPost)
	rt.Handle("/principal-policies", handle(decodeListPrincipalPolicies, c.listPrincipalPolicies), http.MethodGet)
	rt.Handle("/principal-policies/{policyName}", handle(decodePrincipalPolicy, c.attachPolicy), http.MethodPut)
	rt.Handle("/principal-policies/{policyName}", handle(decodePrincipalPolicy, c.detachPrincipalPolicy), http.MethodDelete)
	rt.Handle("/attached-policies/{target...}", handle(decodeListAttachedPolicies, c.listAttachedPolicies), http.MethodPost)
	rt.Handle("/policy-targets/{policyName}", handle(decodeListTargetsForPolicy, c.listTargetsForPolicy), http.MethodPost)
	rt.Handle("/things/{thingName}/principals", handle(decodeAttachThingPrincipal, c.attachThingPrincipal), http.MethodPut)
	rt.Handle("/things/{thingName}/principals", handle(decodeThingPrincipal, c.detachThingPrincipal), http.MethodDelete)
	rt.Handle("/things/{thingName}/principals", handle(decodeListThingPrincipals, c.listThingPrincipals), http.MethodGet)
	rt.Handle("/principals/things", handle(decodeListPrincipalThings, c.listPrincipalThings), http.MethodGet)
}

// attachment is a policy and the target or principal it is attached to.
type attachment struct{ policy, target string }

func decodeTargetPolicy(r *http.Request) (attachment, error) {
	var in struct {
		Target string `json:"target"`
	}
	err := readJSON(r, &in)
	if err == nil && in.Target == "" {
		err = awsrest.Invalid("Missing required parameter target")
	}
	return attachment{r.PathValue("policyName"), in.Target}, err
}

func decodePrincipalPolicy(r *http.Request) (attachment, error) {
	principal, err := awsrest.RequiredHeader(r, headerIoTPrincipal)
	return attachment{r.PathValue("policyName"), principal}, err
}

func (c *ControlPlane) attachPolicy(_ context.Context, in attachment) (empty, error) {
	return empty{}, c.reg.AttachPolicy(in.policy, in.target)
}

func (c *ControlPlane) detachPolicy(_ context.Context, in attachment) (empty, error) {
	return empty{}, c.reg.DetachPolicy(in.policy, in.target)
}

func (c *ControlPlane) detachPrincipalPolicy(_ context.Context, in attachment) (empty, error) {
	return empty{}, c.reg.DetachPrincipalPolicy(in.policy, in.target)
}

// attachedPolicies is the input of ListAttachedPolicies and
// ListPrincipalPolicies.
type attachedPolicies struct {
	page
	target    string
	recursive bool
}

func decodeListAttachedPolicies(r *http.Request) (attachedPolicies, error) {
	p, err := pageParams(r, "pageSize", "marker")
	var recursive bool
	if err == nil {
		recursive, err = awsrest.QueryBool(r, "recursive")
	}
	return attachedPolicies{p, r.PathValue("target"), recursive}, err
}

// decodeListPrincipalPolicies lists a principal's policies by name
// (isAscendingOrder is accepted; UNCONFIRMED what order AWS uses).
func decodeListPrincipalPolicies(r *http.Request) (attachedPolicies, error) {
	principal, err := awsrest.RequiredHeader(r, headerIoTPrincipal)
	var p page
	if err == nil {
		p, err = pageParams(r, "pageSize", "marker")
	}
	if err == nil {
		_, err = awsrest.QueryBool(r, "isAscendingOrder")
	}
	return attachedPolicies{p, principal, false}, err
}

func (c *ControlPlane) listAttachedPolicies(_ context.Context, in attachedPolicies) (policyList, error) {
	list, next, err := c.reg.ListAttachedPolicies(in.target, in.recursive, in.token, in.size)
	return policyListOf(list, next), err
}

func (c *ControlPlane) listPrincipalPolicies(ctx context.Context, in attachedPolicies) (policyList, error) {
	return c.listAttachedPolicies(ctx, in)
}

// named is a page of a list about one named resource.
type named struct {
	page
	name string
}

func decodeListTargetsForPolicy(r *http.Request) (named, error) {
	p, err := pageParams(r, "pageSize", "marker")
	return named{p, r.PathValue("policyName")}, err
}

type listTargetsOutput struct {
	Targets    []string `json:"targets"`
	NextMarker string   `json:"nextMarker,omitempty"`
}

func (c *ControlPlane) listTargetsForPolicy(_ context.Context, in named) (listTargetsOutput, error) {
	targets, next, err := c.reg.ListTargetsForPolicy(in.name, in.token, in.size)
	return listTargetsOutput{append([]string{}, targets...), next}, err
}

// thingPrincipal is the input of AttachThingPrincipal and
// DetachThingPrincipal.
type thingPrincipal struct {
	thing, principal string
	typ              registry.ThingPrincipalType
}

func decodeThingPrincipal(r *http.Request) (thingPrincipal, error) {
	principal, err := awsrest.RequiredHeader(r, headerPrincipal)
	return thingPrincipal{thing: r.PathValue("thingName"), principal: principal}, err
}

func decodeAttachThingPrincipal(r *http.Request) (thingPrincipal, error) {
	in, err := decodeThingPrincipal(r)
	in.typ = registry.ThingPrincipalType(r.URL.Query().Get("thingPrincipalType"))
	return in, err
}

func (c *ControlPlane) attachThingPrincipal(_ context.Context, in thingPrincipal) (empty, error) {
	return empty{}, c.reg.AttachThingPrincipal(in.thing, in.principal, in.typ)
}

func (c *ControlPlane) detachThingPrincipal(_ context.Context, in thingPrincipal) (empty, error) {
	return empty{}, c.reg.DetachThingPrincipal(in.thing, in.principal)
}

func decodeListThingPrincipals(r *http.Request) (named, error) {
	p, err := pageParams(r, "maxResults", "nextToken")
	return named{p, r.PathValue("thingName")}, err
}

type listPrincipalsOutput struct {
	Principals []string `json:"principals"`
	NextToken  string   `json:"nextToken,omitempty"`
}

func (c *ControlPlane) listThingPrincipals(_ context.Context, in named) (listPrincipalsOutput, error) {
	list, next, err := c.reg.ListThingPrincipals(in.name, in.token, in.size)
	return listPrincipalsOutput{append([]string{}, list...), next}, err
}

func decodeListPrincipalThings(r *http.Request) (named, error) {
	principal, err := awsrest.RequiredHeader(r, headerPrincipal)
	var p page
	if err == nil {
		p, err = pageParams(r, "maxResults", "nextToken")
	}
	return named{p, principal}, err
}

type listPrincipalThingsOutput struct {
	Things    []string `json:"things"`
	NextToken string   `json:"nextToken,omitempty"`
}

func (c *ControlPlane) listPrincipalThings(_ context.Context, in named) (listPrincipalThingsOutput, error) {
	list, next, err := c.reg.ListPrincipalThings(in.name, in.token, in.size)
	return listPrincipalThingsOutput{append([]string{}, list...), next}, err
}
