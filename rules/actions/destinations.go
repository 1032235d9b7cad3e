package actions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Topic rule destinations: where HTTP actions may send, confirmed by the
// endpoint's owner before any message goes there. An HTTP destination is
// created IN_PROGRESS and iotemu sends AWS's confirmation request (POST
// {confirmationUrl}/?confirmationToken=…) at once; ConfirmTopicRuleDestination
// with that token (or a GET of the enableUrl, which is the same route on
// the emulator) makes it ENABLED. An HTTP action whose confirmationUrl (its
// url by default) falls under a destination runs only while that
// destination is ENABLED; otherwise it fails with ErrDestinationNotEnabled
// and nothing is sent. An action under no destination keeps the
// Config.ConfirmHTTPDestinations behaviour (docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/rule-destination.html#rule-destination-http
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_TopicRuleDestination.html#API_TopicRuleDestination_Contents

// Destination statuses. AWS: BC-IOT TopicRuleDestinationStatus.
const (
	DestinationEnabled    = "ENABLED"
	DestinationInProgress = "IN_PROGRESS"
	DestinationDisabled   = "DISABLED"
	DestinationError      = "ERROR"
)

// Errors of the destination operations.
var (
	ErrDestinationNotFound   = errors.New("topic rule destination not found")
	ErrDestinationExists     = errors.New("topic rule destination already exists")
	ErrDestinationTransition = errors.New("invalid topic rule destination status transition")
	ErrInvalidToken          = errors.New("invalid confirmation token")
	ErrDestinationNotEnabled = errors.New("topic rule destination is not ENABLED")
)

// VPCProperties are a VPC destination's (stored; iotemu has no VPC).
type VPCProperties struct {
	SubnetIDs      []string `json:"subnetIds"`
	SecurityGroups []string `json:"securityGroups,omitempty"`
	VpcID          string   `json:"vpcId"`
	RoleArn        string   `json:"roleArn"`
}

// Destination is one topic rule destination.
type Destination struct {
	ARN, Status, StatusReason string
	CreatedAt, LastUpdatedAt  time.Time
	// ConfirmationURL is an HTTP destination's; VPC a VPC destination's.
	ConfirmationURL string
	VPC             *VPCProperties
	token           string
}

// Destinations holds the account's topic rule destinations; it is safe
// for concurrent use.
type Destinations struct {
	env *Env
	mu  sync.Mutex
	m   map[string]*Destination // by ARN
}

// Destinations returns the Env's topic rule destinations.
func (e *Env) Destinations() *Destinations { return e.dests }

func (d *Destinations) arn(kind string) string {
	return fmt.Sprintf("arn:aws:iot:%s:%s:ruledestination/%s/%s", d.env.cfg.Region, d.env.cfg.AccountID, kind, d.env.cfg.NewUUID())
}

// CreateHTTP creates an HTTP destination and sends its confirmation
// request (synchronously, within the action timeout).
func (d *Destinations) CreateHTTP(ctx context.Context, confirmationURL string) (Destination, error) {
	now := d.env.cfg.Now()
	d.mu.Lock()
	for _, x := range d.m {
		if x.ConfirmationURL == confirmationURL {
			d.mu.Unlock()
			return Destination{}, fmt.Errorf("%w: %s", ErrDestinationExists, confirmationURL)
		}
	}
	dst := &Destination{ARN: d.arn("http"), Status: DestinationInProgress, CreatedAt: now, LastUpdatedAt: now,
		ConfirmationURL: confirmationURL, token: d.env.cfg.NewUUID()}
	d.m[dst.ARN] = dst
	d.mu.Unlock()
	d.sendConfirmation(ctx, dst.ARN)
	return d.Get(dst.ARN)
}

// sendConfirmation posts AWS's confirmation request and records the
// outcome in statusReason, in AWS's words when nothing answered.
// AWS: https://docs.aws.amazon.com/cli/latest/reference/iot/create-topic-rule-destination.html#examples
// ("Awaiting confirmation. Confirmation message sent on …; no response
// received from the endpoint.").
func (d *Destinations) sendConfirmation(ctx context.Context, arn string) {
	d.mu.Lock()
	dst, ok := d.m[arn]
	if !ok {
		d.mu.Unlock()
		return
	}
	url, token := dst.ConfirmationURL, dst.token
	d.mu.Unlock()
	sent := d.env.cfg.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	reason := "Awaiting confirmation. Confirmation message sent on " + sent + "; no response received from the endpoint."
	if err := d.env.sendConfirmation(ctx, url, arn, token); err == nil {
		reason = "Awaiting confirmation. Confirmation message sent on " + sent + "."
	}
	d.mu.Lock()
	if dst.Status == DestinationInProgress {
		dst.StatusReason = reason
	}
	d.mu.Unlock()
}

// CreateVPC creates a VPC destination, ENABLED at once (iotemu creates no
// network interfaces).
func (d *Destinations) CreateVPC(p VPCProperties) Destination {
	now := d.env.cfg.Now()
	dst := &Destination{ARN: d.arn("vpc"), Status: DestinationEnabled, CreatedAt: now, LastUpdatedAt: now, VPC: &p}
	d.mu.Lock()
	d.m[dst.ARN] = dst
	d.mu.Unlock()
	return *dst
}

// Get returns a destination.
func (d *Destinations) Get(arn string) (Destination, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	dst, ok := d.m[arn]
	if !ok {
		return Destination{}, fmt.Errorf("%w: %s", ErrDestinationNotFound, arn)
	}
	return *dst, nil
}

// List returns every destination by ARN.
func (d *Destinations) List() []Destination {
	d.mu.Lock()
	out := make([]Destination, 0, len(d.m))
	for _, x := range d.m {
		out = append(out, *x)
	}
	d.mu.Unlock()
	slices.SortFunc(out, func(a, b Destination) int { return strings.Compare(a.ARN, b.ARN) })
	return out
}

// Update sets a destination's status: ENABLED from DISABLED, DISABLED
// from ENABLED, IN_PROGRESS (any HTTP destination) sends a new
// confirmation request with a new token.
func (d *Destinations) Update(ctx context.Context, arn, status string) error {
	d.mu.Lock()
	dst, ok := d.m[arn]
	if !ok {
		d.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrDestinationNotFound, arn)
	}
	from := dst.Status
	switch {
	case status == from && status != DestinationInProgress:
	case status == DestinationEnabled && from == DestinationDisabled,
		status == DestinationDisabled && from == DestinationEnabled:
		dst.Status, dst.StatusReason = status, ""
	case status == DestinationInProgress && dst.ConfirmationURL != "":
		dst.Status, dst.token = DestinationInProgress, d.env.cfg.NewUUID()
	default:
		d.mu.Unlock()
		return fmt.Errorf("%w: %s to %s", ErrDestinationTransition, from, status)
	}
	dst.LastUpdatedAt = d.env.cfg.Now()
	d.mu.Unlock()
	if status == DestinationInProgress {
		d.sendConfirmation(ctx, arn)
	}
	return nil
}

// Delete removes a destination.
func (d *Destinations) Delete(arn string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.m[arn]; !ok {
		return fmt.Errorf("%w: %s", ErrDestinationNotFound, arn)
	}
	delete(d.m, arn)
	return nil
}

// Confirm is ConfirmTopicRuleDestination: the IN_PROGRESS destination of
// the token becomes ENABLED (UNCONFIRMED: AWS may leave it DISABLED).
func (d *Destinations) Confirm(token string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, dst := range d.m {
		if dst.token == token && token != "" && dst.Status == DestinationInProgress {
			dst.Status, dst.StatusReason, dst.LastUpdatedAt = DestinationEnabled, "", d.env.cfg.Now()
			return nil
		}
	}
	return ErrInvalidToken
}

// ConfirmationToken returns an HTTP destination's current confirmation
// token, for tests that do not run the confirmation endpoint.
func (d *Destinations) ConfirmationToken(arn string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	dst, ok := d.m[arn]
	if !ok {
		return "", fmt.Errorf("%w: %s", ErrDestinationNotFound, arn)
	}
	return dst.token, nil
}

// gate says whether an HTTP action whose confirmation URL is url may send:
// under a destination (the longest confirmationUrl prefix), only when it
// is ENABLED; under none, found=false.
func (d *Destinations) gate(url string) (found bool, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var best *Destination
	for _, dst := range d.m {
		if dst.ConfirmationURL != "" && strings.HasPrefix(url, dst.ConfirmationURL) &&
			(best == nil || len(dst.ConfirmationURL) > len(best.ConfirmationURL)) {
			best = dst
		}
	}
	if best == nil {
		return false, nil
	}
	if best.Status != DestinationEnabled {
		return true, fmt.Errorf("%w: %s is %s; not sent", ErrDestinationNotEnabled, best.ARN, best.Status)
	}
	return true, nil
}
