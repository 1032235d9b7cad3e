package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/tagging"
)

// Billing groups: Create/Describe/List/Update/DeleteBillingGroup,
// Add/RemoveThingToBillingGroup, ListThingsInBillingGroup.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateBillingGroup.html#API_CreateBillingGroup_RequestSyntax
// and the pages of the other operations.

func (c *ControlPlane) registerBillingGroups(rt *route.Router) {
	rt.Handle("/billing-groups", handle(decodeListBillingGroups, c.listBillingGroups), http.MethodGet)
	rt.Handle("/billing-groups/addThingToBillingGroup", handle(c.decodeBillingMember, c.addToBilling), http.MethodPut)
	rt.Handle("/billing-groups/removeThingFromBillingGroup", handle(c.decodeBillingMember, c.removeFromBilling), http.MethodPut)
	rt.Handle("/billing-groups/{billingGroupName}", handle(decodeCreateBillingGroup, c.createBillingGroup), http.MethodPost)
	rt.Handle("/billing-groups/{billingGroupName}", handle(path("billingGroupName"), c.describeBillingGroup), http.MethodGet)
	rt.Handle("/billing-groups/{billingGroupName}", handle(decodeUpdateBillingGroup, c.updateBillingGroup), http.MethodPatch)
	rt.Handle("/billing-groups/{billingGroupName}", handle(decodeVersioned("billingGroupName"), c.deleteBillingGroup), http.MethodDelete)
	rt.Handle("/billing-groups/{billingGroupName}/things", handle(decodeNamedPage("billingGroupName"), c.listThingsInBilling), http.MethodGet)
}

type billingProps struct {
	BillingGroupDescription string `json:"billingGroupDescription,omitempty"`
}

type createBillingInput struct {
	name, description string
	tags              []tagging.Tag
}

func decodeCreateBillingGroup(r *http.Request) (createBillingInput, error) {
	var in struct {
		BillingGroupProperties billingProps  `json:"billingGroupProperties"`
		Tags                   []tagging.Tag `json:"tags"`
	}
	if err := readJSON(r, &in); err != nil {
		return createBillingInput{}, err
	}
	return createBillingInput{r.PathValue("billingGroupName"), in.BillingGroupProperties.BillingGroupDescription, in.Tags}, createTags(in.Tags)
}

type createBillingOutput struct {
	BillingGroupName string `json:"billingGroupName"`
	BillingGroupArn  string `json:"billingGroupArn"`
	BillingGroupID   string `json:"billingGroupId"`
}

func (c *ControlPlane) createBillingGroup(_ context.Context, in createBillingInput) (createBillingOutput, error) {
	b, err := c.reg.CreateBillingGroup(in.name, in.description)
	return createBillingOutput{b.Name, b.ARN, b.ID}, c.tagCreated(b.ARN, in.tags, err)
}

type describeBillingOutput struct {
	BillingGroupName       string       `json:"billingGroupName"`
	BillingGroupID         string       `json:"billingGroupId"`
	BillingGroupArn        string       `json:"billingGroupArn"`
	Version                int64        `json:"version"`
	BillingGroupProperties billingProps `json:"billingGroupProperties"`
	BillingGroupMetadata   struct {
		CreationDate float64 `json:"creationDate"`
	} `json:"billingGroupMetadata"`
}

func (c *ControlPlane) describeBillingGroup(_ context.Context, name string) (describeBillingOutput, error) {
	b, err := c.reg.DescribeBillingGroup(name)
	out := describeBillingOutput{BillingGroupName: b.Name, BillingGroupID: b.ID, BillingGroupArn: b.ARN,
		Version: b.Version, BillingGroupProperties: billingProps{b.Description}}
	out.BillingGroupMetadata.CreationDate = epochSeconds(b.CreationDate)
	return out, err
}

type updateBillingInput struct {
	name, description string
	expected          *int64
}

func decodeUpdateBillingGroup(r *http.Request) (updateBillingInput, error) {
	var in struct {
		BillingGroupProperties *billingProps `json:"billingGroupProperties"`
		ExpectedVersion        *int64        `json:"expectedVersion"`
	}
	if err := readJSON(r, &in); err != nil {
		return updateBillingInput{}, err
	}
	if in.BillingGroupProperties == nil {
		return updateBillingInput{}, awsrest.Invalid("1 validation error detected: Value null at 'billingGroupProperties' failed to satisfy constraint: Member must not be null")
	}
	return updateBillingInput{r.PathValue("billingGroupName"), in.BillingGroupProperties.BillingGroupDescription, in.ExpectedVersion}, nil
}

func (c *ControlPlane) updateBillingGroup(_ context.Context, in updateBillingInput) (versionOutput, error) {
	v, err := c.reg.UpdateBillingGroup(in.name, in.description, in.expected)
	return versionOutput{v}, err
}

func (c *ControlPlane) deleteBillingGroup(_ context.Context, in versioned) (empty, error) {
	if err := c.reg.DeleteBillingGroup(in.name, in.version); err != nil {
		return empty{}, err
	}
	c.tags.Drop(c.reg.BillingGroupARN(in.name))
	return empty{}, nil
}

type listBillingInput struct {
	page
	prefix string
}

func decodeListBillingGroups(r *http.Request) (listBillingInput, error) {
	p, err := pageParams(r, "maxResults", "nextToken")
	return listBillingInput{p, r.URL.Query().Get("namePrefixFilter")}, err
}

type listBillingOutput struct {
	BillingGroups []groupNameAndARN `json:"billingGroups"`
	NextToken     string            `json:"nextToken,omitempty"`
}

func (c *ControlPlane) listBillingGroups(_ context.Context, in listBillingInput) (listBillingOutput, error) {
	groups, next, err := c.reg.ListBillingGroups(in.prefix, in.token, in.size)
	out := listBillingOutput{BillingGroups: []groupNameAndARN{}, NextToken: next}
	for _, b := range groups {
		out.BillingGroups = append(out.BillingGroups, groupNameAndARN{b.Name, b.ARN})
	}
	return out, err
}

func (c *ControlPlane) decodeBillingMember(r *http.Request) (member, error) {
	var in struct {
		BillingGroupName string `json:"billingGroupName"`
		BillingGroupArn  string `json:"billingGroupArn"`
		ThingName        string `json:"thingName"`
		ThingArn         string `json:"thingArn"`
	}
	if err := readJSON(r, &in); err != nil {
		return member{}, err
	}
	m := member{in.BillingGroupName, in.ThingName}
	if m.group == "" && in.BillingGroupArn != "" {
		if m.group = c.reg.BillingGroupNameFromARN(in.BillingGroupArn); m.group == "" {
			return member{}, awsrest.Invalid("Invalid billingGroupArn: %s", in.BillingGroupArn)
		}
	}
	if m.thing == "" && in.ThingArn != "" {
		if m.thing = c.reg.ThingNameFromARN(in.ThingArn); m.thing == "" {
			return member{}, awsrest.Invalid("Invalid thingArn: %s", in.ThingArn)
		}
	}
	return m, nil
}

func (c *ControlPlane) addToBilling(_ context.Context, m member) (empty, error) {
	return empty{}, c.reg.AddThingToBillingGroup(m.group, m.thing)
}

func (c *ControlPlane) removeFromBilling(_ context.Context, m member) (empty, error) {
	return empty{}, c.reg.RemoveThingFromBillingGroup(m.group, m.thing)
}

func (c *ControlPlane) listThingsInBilling(_ context.Context, in namedPage) (thingNamesOutput, error) {
	names, next, err := c.reg.ListThingsInBillingGroup(in.name, in.token, in.size)
	return thingNamesOutput{append([]string{}, names...), next}, err
}
