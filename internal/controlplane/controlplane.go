package controlplane

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/iotemu/iotemu/fleetindex"
	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/customauth"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/jobs"
	"github.com/iotemu/iotemu/provisioning"
	"github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/rules/actions"
	"github.com/iotemu/iotemu/tagging"
)

// maxBodyBytes bounds what one request makes the control plane read.
const maxBodyBytes = 1 << 20

// Config is what the control plane is built on; the composition root
// (package emulator) fills it.
type Config struct {
	// Registry holds things, thing types and groups, certificates,
	// policies and attachments.
	Registry *registry.Registry
	// Rules and Actions serve the topic rule operations.
	Rules   RuleEngine
	Actions ActionParser
	// Authorizers and AuthorizerTester serve the custom authorizer
	// operations; with a nil store they are not served.
	Authorizers      *customauth.Store
	AuthorizerTester AuthorizerTester
	// Jobs serves the Jobs operations; nil leaves them unemulated.
	Jobs *jobs.Service
	// Provisioning serves fleet provisioning (templates, claims,
	// RegisterThing); nil leaves it unemulated.
	Provisioning *provisioning.Service
	// Events holds the event configurations; nil leaves them unemulated.
	Events *EventConfigurations
	// Endpoints answers DescribeEndpoint.
	Endpoints Endpoints
	// CACertPEM is the emulator's CA, written as ca.pem next to the
	// certificates the fixtures generate.
	CACertPEM []byte
	// CertsDir, when set, receives the fixtures' generated certificates.
	CertsDir string
	Compat   Compat
	// Tags holds the tags of every taggable resource; nil makes a new,
	// empty store.
	Tags *tagging.Store
	// Index is the fleet index: SearchIndex, the aggregations and the
	// queries of dynamic thing groups. nil leaves those unserved.
	Index *fleetindex.Index
	// Now is the clock of the dates the control plane itself keeps
	// (domain configurations, role aliases); nil means time.Now.
	Now func() time.Time
	// Destinations are the topic rule destinations (the rules' actions'
	// store); nil leaves their operations unemulated.
	Destinations *actions.Destinations
	// Simulator answers TestAuthorization with strict mode's policy
	// engine; nil leaves it unemulated.
	Simulator Simulator
	// Logger receives the warnings about operations iotemu does not
	// emulate; nil discards them.
	Logger *slog.Logger
}

// Compat holds the control plane's named deviations from AWS.
type Compat struct {
	// RuleNotFoundAsResourceNotFound answers a missing topic rule with 404
	// ResourceNotFoundException instead of AWS's 401 (docs/compatibility.md
	// "Control plane").
	RuleNotFoundAsResourceNotFound bool
}

// Endpoints is what DescribeEndpoint needs of the listeners: the address
// clients are told to connect to for an endpoint type.
type Endpoints interface {
	EndpointAddress(endpointType string) string
}

// ControlPlane serves the IoT control-plane operations over HTTP.
type ControlPlane struct {
	cfg  Config
	reg  *registry.Registry
	tags *tagging.Store
	log  *slog.Logger

	domains domainConfigs
	logging loggingOptions
}

// New checks cfg and builds the control plane.
func New(cfg Config) (*ControlPlane, error) {
	if cfg.Registry == nil || cfg.Rules == nil || cfg.Actions == nil || cfg.Endpoints == nil {
		return nil, errors.New("new control plane: Registry, Rules, Actions and Endpoints are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Tags == nil {
		cfg.Tags = tagging.New()
	}
	return &ControlPlane{cfg: cfg, reg: cfg.Registry, tags: cfg.Tags, log: cfg.Logger,
		domains: domainConfigs{m: map[string]*domainConfig{}}, logging: newLoggingOptions()}, nil
}

// Register adds every emulated control-plane operation to the router.
func (c *ControlPlane) Register(rt *route.Router) {
	c.registerThings(rt)
	c.registerThingTypes(rt)
	c.registerThingGroups(rt)
	c.registerCertificates(rt)
	c.registerCACertificates(rt)
	c.registerPolicies(rt)
	c.registerAttachments(rt)
	c.registerEndpoint(rt)
	c.registerTopicRules(rt)
	c.registerAuthorizers(rt)
	c.registerJobs(rt)
	c.registerProvisioning(rt)
	c.registerEvents(rt)
	c.registerTags(rt)
	c.registerGroupOps(rt)
	c.registerBillingGroups(rt)
	c.registerDynamicGroups(rt)
	c.registerIndexing(rt)
	c.registerConnectivity(rt)
	c.registerPolicyQueries(rt)
	c.registerDomainConfigs(rt)
	c.registerLogging(rt)
	c.registerRoleAliases(rt)
	c.registerDestinations(rt)
}

// registryError maps a registry error to its modelled shape and status;
// ResourceAlreadyExistsException carries resourceId and resourceArn.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThing.html#API_CreateThing_Errors
func registryError(err error) *awsrest.Error {
	var fe *fleetindex.Error
	if errors.As(err, &fe) {
		return &awsrest.Error{Status: fe.Status(), Type: string(fe.Code), Message: fe.Message}
	}
	var re *registry.Error
	if !errors.As(err, &re) {
		return nil
	}
	e := &awsrest.Error{Status: re.Status(), Type: string(re.Code), Message: re.Message}
	if re.ResourceID != "" || re.ResourceARN != "" {
		e.Members = map[string]string{}
		if re.ResourceID != "" {
			e.Members["resourceId"] = re.ResourceID
		}
		if re.ResourceARN != "" {
			e.Members["resourceArn"] = re.ResourceARN
		}
	}
	return e
}

// handle adapts a registry operation to HTTP (awsrest.Handle with the
// registry's errors).
func handle[In, Out any](decode func(*http.Request) (In, error), call func(context.Context, In) (Out, error)) http.Handler {
	return awsrest.Handle(registryError, decode, call)
}

// Reset empties the registry (things, types, groups, certificates,
// policies, attachments) and the tags, for the emulator's reset API.
func (c *ControlPlane) Reset() {
	c.reg.Reset()
	c.tags.Reset()
}
