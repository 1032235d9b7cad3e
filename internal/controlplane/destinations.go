package controlplane

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/rules/actions"
)

// Topic rule destinations: Create/Get/List/Update/DeleteTopicRuleDestination
// and ConfirmTopicRuleDestination, on the rules' actions' store
// (rules/actions Destinations), which also gates the HTTP actions.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateTopicRuleDestination.html#API_CreateTopicRuleDestination_RequestSyntax
// and the pages of the other operations.

func (c *ControlPlane) registerDestinations(rt *route.Router) {
	if c.cfg.Destinations == nil {
		return
	}
	h := func(decode func(*http.Request) (string, error), call func(context.Context, string) (empty, error)) http.Handler {
		return awsrest.Handle(destinationError, decode, call)
	}
	rt.Handle("/destinations", awsrest.Handle(destinationError, decodeCreateDestination, c.createDestination), http.MethodPost)
	rt.Handle("/destinations", awsrest.Handle(destinationError, decodeListDestinations, c.listDestinations), http.MethodGet)
	rt.Handle("/destinations", awsrest.Handle(destinationError, decodeUpdateDestination, c.updateDestination), http.MethodPatch)
	rt.Handle("/destinations/{arn...}", awsrest.Handle(destinationError, path("arn"), c.getDestination), http.MethodGet)
	rt.Handle("/destinations/{arn...}", h(path("arn"), c.deleteDestination), http.MethodDelete)
	rt.Handle("/confirmdestination/{token...}", h(path("token"), c.confirmDestination), http.MethodGet)
}

// destinationError maps the store's errors: an unknown ARN or token and a
// refused transition are InvalidRequestException (the operations model no
// ResourceNotFoundException; UNCONFIRMED), a duplicate URL
// ResourceAlreadyExistsException.
func destinationError(err error) *awsrest.Error {
	switch {
	case errors.Is(err, actions.ErrDestinationExists):
		return awsrest.Errorf(http.StatusConflict, "ResourceAlreadyExistsException", "%s", err.Error())
	case errors.Is(err, actions.ErrDestinationNotFound), errors.Is(err, actions.ErrDestinationTransition), errors.Is(err, actions.ErrInvalidToken):
		return awsrest.Invalid("%s", err.Error())
	}
	return nil
}

type vpcConfig struct {
	SubnetIDs      []string `json:"subnetIds"`
	SecurityGroups []string `json:"securityGroups"`
	VpcID          string   `json:"vpcId"`
	RoleArn        string   `json:"roleArn"`
}

type createDestinationInput struct {
	confirmationURL string
	vpc             *vpcConfig
}

func decodeCreateDestination(r *http.Request) (createDestinationInput, error) {
	var in struct {
		DestinationConfiguration *struct {
			HTTPURLConfiguration *struct {
				ConfirmationURL string `json:"confirmationUrl"`
			} `json:"httpUrlConfiguration"`
			VpcConfiguration *vpcConfig `json:"vpcConfiguration"`
		} `json:"destinationConfiguration"`
	}
	if err := readJSON(r, &in); err != nil {
		return createDestinationInput{}, err
	}
	dc := in.DestinationConfiguration
	switch {
	case dc == nil:
		return createDestinationInput{}, awsrest.Invalid("1 validation error detected: Value null at 'destinationConfiguration' failed to satisfy constraint: Member must not be null")
	case (dc.HTTPURLConfiguration == nil) == (dc.VpcConfiguration == nil):
		return createDestinationInput{}, awsrest.Invalid("Exactly one of httpUrlConfiguration and vpcConfiguration must be given") // message UNCONFIRMED
	case dc.HTTPURLConfiguration != nil:
		u, err := url.Parse(dc.HTTPURLConfiguration.ConfirmationURL)
		if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			// AWS requires https; iotemu also accepts http for local
			// endpoints (docs/compatibility.md).
			return createDestinationInput{}, awsrest.Invalid("Invalid confirmationUrl: %s", dc.HTTPURLConfiguration.ConfirmationURL)
		}
		return createDestinationInput{confirmationURL: dc.HTTPURLConfiguration.ConfirmationURL}, nil
	}
	v := dc.VpcConfiguration
	if len(v.SubnetIDs) == 0 || v.VpcID == "" || v.RoleArn == "" {
		return createDestinationInput{}, awsrest.Invalid("vpcConfiguration needs subnetIds, vpcId and roleArn")
	}
	return createDestinationInput{vpc: v}, nil
}

type destinationJSON struct {
	Arn               string                 `json:"arn"`
	Status            string                 `json:"status"`
	CreatedAt         float64                `json:"createdAt"`
	LastUpdatedAt     float64                `json:"lastUpdatedAt"`
	StatusReason      string                 `json:"statusReason,omitempty"`
	HTTPURLProperties *httpURLProps          `json:"httpUrlProperties,omitempty"`
	VpcProperties     *actions.VPCProperties `json:"vpcProperties,omitempty"`
}

type httpURLProps struct {
	ConfirmationURL string `json:"confirmationUrl"`
}

func destinationOf(d actions.Destination) destinationJSON {
	out := destinationJSON{Arn: d.ARN, Status: d.Status, CreatedAt: epochSeconds(d.CreatedAt), LastUpdatedAt: epochSeconds(d.LastUpdatedAt),
		StatusReason: d.StatusReason, VpcProperties: d.VPC}
	if d.ConfirmationURL != "" {
		out.HTTPURLProperties = &httpURLProps{d.ConfirmationURL}
	}
	return out
}

type destinationOutput struct {
	TopicRuleDestination destinationJSON `json:"topicRuleDestination"`
}

func (c *ControlPlane) createDestination(ctx context.Context, in createDestinationInput) (destinationOutput, error) {
	if in.vpc != nil {
		v := in.vpc
		return destinationOutput{destinationOf(c.cfg.Destinations.CreateVPC(actions.VPCProperties{SubnetIDs: v.SubnetIDs,
			SecurityGroups: v.SecurityGroups, VpcID: v.VpcID, RoleArn: v.RoleArn}))}, nil
	}
	d, err := c.cfg.Destinations.CreateHTTP(ctx, in.confirmationURL)
	return destinationOutput{destinationOf(d)}, err
}

func (c *ControlPlane) getDestination(_ context.Context, arn string) (destinationOutput, error) {
	d, err := c.cfg.Destinations.Get(arn)
	return destinationOutput{destinationOf(d)}, err
}

type destinationSummary struct {
	Arn            string        `json:"arn"`
	Status         string        `json:"status"`
	CreatedAt      float64       `json:"createdAt"`
	LastUpdatedAt  float64       `json:"lastUpdatedAt"`
	StatusReason   string        `json:"statusReason,omitempty"`
	HTTPURLSummary *httpURLProps `json:"httpUrlSummary,omitempty"`
	VpcSummary     any           `json:"vpcDestinationSummary,omitempty"`
}

type listDestinationsOutput struct {
	DestinationSummaries []destinationSummary `json:"destinationSummaries"`
	NextToken            string               `json:"nextToken,omitempty"`
}

func decodeListDestinations(r *http.Request) (page, error) {
	return pageParams(r, "maxResults", "nextToken")
}

func (c *ControlPlane) listDestinations(_ context.Context, in page) (listDestinationsOutput, error) {
	all := c.cfg.Destinations.List()
	byARN := map[string]actions.Destination{}
	arns := make([]string, 0, len(all))
	for _, d := range all {
		byARN[d.ARN] = d
		arns = append(arns, d.ARN)
	}
	pg, next, err := pageNames(arns, in.token, in.size)
	out := listDestinationsOutput{DestinationSummaries: []destinationSummary{}, NextToken: next}
	for _, a := range pg {
		d := destinationOf(byARN[a])
		s := destinationSummary{Arn: d.Arn, Status: d.Status, CreatedAt: d.CreatedAt, LastUpdatedAt: d.LastUpdatedAt,
			StatusReason: d.StatusReason, HTTPURLSummary: d.HTTPURLProperties}
		if d.VpcProperties != nil {
			s.VpcSummary = d.VpcProperties
		}
		out.DestinationSummaries = append(out.DestinationSummaries, s)
	}
	return out, err
}

type updateDestinationInput struct{ arn, status string }

var destinationStatuses = []string{actions.DestinationEnabled, actions.DestinationInProgress, actions.DestinationDisabled, actions.DestinationError, "DELETING"}

func decodeUpdateDestination(r *http.Request) (updateDestinationInput, error) {
	var in struct {
		Arn    string `json:"arn"`
		Status string `json:"status"`
	}
	if err := readJSON(r, &in); err != nil {
		return updateDestinationInput{}, err
	}
	switch {
	case in.Arn == "":
		return updateDestinationInput{}, awsrest.Invalid("1 validation error detected: Value null at 'arn' failed to satisfy constraint: Member must not be null")
	case in.Status == "":
		return updateDestinationInput{}, awsrest.Invalid("1 validation error detected: Value null at 'status' failed to satisfy constraint: Member must not be null")
	}
	return updateDestinationInput{in.Arn, in.Status}, checkEnum("status", in.Status, destinationStatuses)
}

func (c *ControlPlane) updateDestination(ctx context.Context, in updateDestinationInput) (empty, error) {
	return empty{}, c.cfg.Destinations.Update(ctx, in.arn, in.status)
}

func (c *ControlPlane) deleteDestination(_ context.Context, arn string) (empty, error) {
	return empty{}, c.cfg.Destinations.Delete(arn)
}

func (c *ControlPlane) confirmDestination(_ context.Context, token string) (empty, error) {
	return empty{}, c.cfg.Destinations.Confirm(token)
}
