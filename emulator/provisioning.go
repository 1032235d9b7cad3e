package emulator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/iotemu/iotemu/internal/mqttapi"
	"github.com/iotemu/iotemu/lambdafn"
	"github.com/iotemu/iotemu/provisioning"
	iotreg "github.com/iotemu/iotemu/registry"
)

// The wiring of fleet provisioning (package provisioning): its resources
// in the registry (certificates signed by the emulator's CA), its hooks
// through the one Lambda invoker, its MQTT API from the reserved table
// with replies to the requesting client, its control plane in
// internal/controlplane.

// newProvisioning builds the provisioning service; it runs after
// newIoTRegistry and newFunctions.
func (s *Server) newProvisioning() error {
	svc, err := provisioning.New(provisioning.Config{
		Region: s.cfg.Region, AccountID: s.cfg.AccountID,
		Registry: provisioningRegistry{s.iotreg}, Invoker: hookInvoker{s},
		Now: s.cfg.Now, Logger: s.log.With("component", "provisioning"),
	})
	if err != nil {
		return fmt.Errorf("set up provisioning: %w", err)
	}
	s.provisioning = svc
	s.provisionJIT = s.provisionJITP
	return nil
}

// provisionJITP is JITP, the CA path's jitProvisioner (jitr.go): the
// template of the CA's registrationConfig, inline or by name, run for the
// device certificate JITR has just registered PENDING_ACTIVATION.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jit-provisioning.html#jit-provisioning-overview
func (s *Server) provisionJITP(ctx context.Context, reg iotreg.AutoRegistration) error {
	rc := reg.CA.RegistrationConfig
	res, err := s.provisioning.ProvisionJITP(ctx, provisioning.JITPInput{
		TemplateBody: rc.TemplateBody, TemplateName: rc.TemplateName,
		CertificateID: reg.Certificate.ID, Certificate: reg.Certificate.X509,
	})
	if err != nil {
		return fmt.Errorf("just-in-time provisioning: %w", err)
	}
	s.log.Info("certificate provisioned just in time", "certificateId", reg.Certificate.ID, "caCertificateId", reg.CA.ID, "thing", res.ThingName)
	return nil
}

// Provisioning returns the fleet provisioning service: templates,
// RegisterThing and just-in-time provisioning from Go.
func (s *Server) Provisioning() *provisioning.Service { return s.provisioning }

// provisioningTick is how often the Server sweeps expired ownership
// tokens and provisioning claims.
const provisioningTick = 5 * time.Second

// runProvisioningTimers sweeps until ctx ends; Start starts it, Close
// waits for it.
func (s *Server) runProvisioningTimers(ctx context.Context) {
	// On the Server's clock, as the jobs' timers: a fake clock's Advance
	// delivers the tick.
	t := s.cfg.Clock.NewTicker(provisioningTick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
			s.provisioning.Sweep(ctx)
			if err := s.commit(provisioningAreas); err != nil { // what the sweep deleted
				s.log.Error("data directory write failed after the provisioning sweep", "error", err)
			}
		}
	}
}

// handleProvisioningMQTT answers what a client publishes on the fleet
// provisioning topics. The reply goes to the requester alone, and only if
// it subscribed to the reply topic (and, in strict mode, may receive it):
// AWS's devices must subscribe before publishing, and another client of
// the same claim never sees the private key.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#fleet-provision-api
func (s *Server) handleProvisioningMQTT(ctx context.Context, m Message) {
	client := mqttapi.PublisherOf(ctx)
	req := provisioning.Request{ClientID: client, Topic: m.Topic, Payload: m.Payload}
	if client != "" {
		req.CertificateID = s.broker.PeerCertificateID(client)
	}
	reply, ok := s.provisioning.HandleMQTT(ctx, req)
	if !ok {
		return
	}
	// What the request created (certificate, token, thing, attachments) is
	// in the data directory before the accepted reply tells the device.
	if err := s.commit(provisioningAreas); err != nil {
		s.log.Error("fleet provisioning reply withheld: the data directory write failed", "topic", reply.Topic, "error", err)
		return
	}
	if client == "" { // published through the HTTP API or from Go: an ordinary publish
		if err := s.Publish(ctx, Message{Topic: reply.Topic, Payload: reply.Payload, QoS: 1}); err != nil {
			s.log.Warn("fleet provisioning reply failed", "topic", reply.Topic, "error", err)
		}
		return
	}
	sent, err := s.broker.SendToSubscriber(client, Message{Topic: reply.Topic, Payload: reply.Payload, QoS: 1})
	switch {
	case err != nil:
		s.log.Warn("fleet provisioning reply failed", "client", client, "topic", reply.Topic, "error", err)
	case !sent:
		s.log.Warn("fleet provisioning reply dropped: the client is not subscribed to it (AWS requires subscribing before publishing)",
			"client", client, "topic", reply.Topic)
	}
}

// hookInvoker runs pre-provisioning hooks through the Server's one Lambda
// invoker; a function error denies provisioning.
type hookInvoker struct{ s *Server }

var _ provisioning.Invoker = hookInvoker{}

func (h hookInvoker) Invoke(ctx context.Context, function string, payload []byte) ([]byte, error) {
	res, err := h.s.invoker.Invoke(ctx, lambdafn.Request{Function: function, Payload: payload})
	if err != nil {
		return nil, fmt.Errorf("invoke pre-provisioning hook: %w", err)
	}
	if res.FunctionError != "" {
		return nil, fmt.Errorf("pre-provisioning hook %s: function error: %s", function, res.Payload)
	}
	return res.Payload, nil
}

// provisioningRegistry is the registry as the provisioning flows use it.
type provisioningRegistry struct{ r *iotreg.Registry }

var _ provisioning.Registry = provisioningRegistry{}

func certOf(c iotreg.Certificate) provisioning.Certificate {
	return provisioning.Certificate{ID: c.ID, ARN: c.ARN, PEM: c.PEM, Status: string(c.Status)}
}

func (p provisioningRegistry) CreateKeysAndCertificate(_ context.Context, status string) (provisioning.Certificate, provisioning.Keys, error) {
	c, k, err := p.r.IssueKeysAndCertificate(iotreg.CertificateStatus(status))
	if err != nil {
		return provisioning.Certificate{}, provisioning.Keys{}, fmt.Errorf("create keys and certificate: %w", err)
	}
	return certOf(c), provisioning.Keys{PublicKey: k.PublicKey, PrivateKey: k.PrivateKey}, nil
}

func (p provisioningRegistry) CreateCertificateFromCSR(_ context.Context, csr, status string) (provisioning.Certificate, error) {
	c, err := p.r.IssueCertificateFromCSR(csr, iotreg.CertificateStatus(status))
	var re *iotreg.Error
	if errors.As(err, &re) && re.Code == iotreg.InvalidRequest {
		return provisioning.Certificate{}, fmt.Errorf("%s: %w", re.Message, provisioning.ErrBadCSR)
	}
	if err != nil {
		return provisioning.Certificate{}, fmt.Errorf("create certificate from CSR: %w", err)
	}
	return certOf(c), nil
}

func (p provisioningRegistry) RegisterCertificate(_ context.Context, pemText, status string) (provisioning.Certificate, error) {
	c, err := p.r.RegisterCertificateWithoutCA(pemText, iotreg.CertificateStatus(status))
	if err != nil {
		return provisioning.Certificate{}, fmt.Errorf("register certificate: %w", err)
	}
	return certOf(c), nil
}

func (p provisioningRegistry) Certificate(_ context.Context, id string) (provisioning.Certificate, bool, error) {
	c, err := p.r.DescribeCertificate(id)
	if err != nil {
		return provisioning.Certificate{}, false, nil //nolint:nilerr // an unknown or malformed ID is "not found"
	}
	return certOf(c), true, nil
}

func (p provisioningRegistry) SetCertificateStatus(_ context.Context, id, status string) error {
	if err := p.r.SetCertificateStatus(id, iotreg.CertificateStatus(status)); err != nil {
		return fmt.Errorf("set certificate status: %w", err)
	}
	return nil
}

func (p provisioningRegistry) DeleteCertificate(_ context.Context, id string) error {
	if err := p.r.DeleteCertificate(id, true); err != nil {
		return fmt.Errorf("delete certificate: %w", err)
	}
	return nil
}

func (p provisioningRegistry) Thing(_ context.Context, name string) (provisioning.Thing, bool, error) {
	t, err := p.r.DescribeThing(name)
	if err != nil {
		return provisioning.Thing{}, false, nil //nolint:nilerr // unknown thing
	}
	groups, _ := p.r.ThingGroupsForThing(name) // the thing exists
	return provisioning.Thing{Name: t.Name, ARN: t.ARN, TypeName: t.TypeName, Attributes: t.Attributes, Groups: groups}, true, nil
}

func (p provisioningRegistry) CreateThing(ctx context.Context, c provisioning.ThingChange) (provisioning.Thing, error) {
	in := iotreg.CreateThingInput{Name: c.Name, Attributes: c.Attributes, BillingGroupName: c.BillingGroup}
	if c.TypeName != nil {
		in.TypeName = *c.TypeName
	}
	if _, err := p.r.CreateThing(in); err != nil {
		return provisioning.Thing{}, fmt.Errorf("create thing: %w", err)
	}
	return p.groups(ctx, c)
}

// groups applies a change's thing groups and returns the thing.
func (p provisioningRegistry) groups(ctx context.Context, c provisioning.ThingChange) (provisioning.Thing, error) {
	for _, g := range c.AddGroups {
		if err := p.r.AddThingToThingGroup(g, c.Name); err != nil {
			return provisioning.Thing{}, fmt.Errorf("add thing to thing group: %w", err)
		}
	}
	for _, g := range c.RemoveGroups {
		if err := p.r.RemoveThingFromThingGroup(g, c.Name); err != nil {
			return provisioning.Thing{}, fmt.Errorf("remove thing from thing group: %w", err)
		}
	}
	t, _, err := p.Thing(ctx, c.Name)
	return t, err
}

func (p provisioningRegistry) UpdateThing(ctx context.Context, c provisioning.ThingChange) (provisioning.Thing, error) {
	if c.TypeName != nil || c.Attributes != nil {
		in := iotreg.UpdateThingInput{Name: c.Name, Attributes: c.Attributes}
		if c.TypeName != nil {
			in.TypeName, in.RemoveThingType = *c.TypeName, *c.TypeName == ""
		}
		if c.Attributes == nil {
			in.Merge = true
		}
		if _, err := p.r.UpdateThing(in); err != nil {
			return provisioning.Thing{}, fmt.Errorf("update thing: %w", err)
		}
	}
	if c.BillingGroup != "" {
		if err := p.r.AddThingToBillingGroup(c.BillingGroup, c.Name); err != nil {
			return provisioning.Thing{}, fmt.Errorf("add thing to billing group: %w", err)
		}
	}
	return p.groups(ctx, c)
}

func (p provisioningRegistry) Policy(_ context.Context, name string) (string, bool, error) {
	pol, err := p.r.GetPolicy(name)
	if err != nil {
		return "", false, nil //nolint:nilerr // unknown policy
	}
	return pol.ARN, true, nil
}

func (p provisioningRegistry) CreatePolicy(_ context.Context, name, document string) (string, error) {
	v, err := p.r.CreatePolicy(name, document)
	if err != nil {
		return "", fmt.Errorf("create policy: %w", err)
	}
	return v.PolicyARN, nil
}

func (p provisioningRegistry) AttachPolicy(_ context.Context, policyName, certARN string) error {
	if err := p.r.AttachPolicy(policyName, certARN); err != nil {
		return fmt.Errorf("attach policy: %w", err)
	}
	return nil
}

func (p provisioningRegistry) AttachThingPrincipal(_ context.Context, thingName, certARN string) error {
	if err := p.r.AttachThingPrincipal(thingName, certARN, iotreg.NonExclusiveThing); err != nil {
		return fmt.Errorf("attach thing principal: %w", err)
	}
	return nil
}
