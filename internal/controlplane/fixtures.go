package controlplane

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/registry"
)

// ApplyRuleFixtures creates the rules of a fixtures file, each from its
// TopicRulePayload exactly as CreateTopicRule would (same parser, same
// errors); a name already in use is an error, as for CreateTopicRule.
func (c *ControlPlane) ApplyRuleFixtures(rs []fixtures.Rule) []error {
	var errs []error
	for i, fr := range rs {
		r, err := parseTopicRule(c.cfg.Actions, fr.Name, fr.TopicRulePayload)
		if err == nil {
			err = c.cfg.Rules.Add(r)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("rules[%d] (%s): %w", i, fr.Name, err))
		}
	}
	return errs
}

// ApplyRegistryFixtures creates the fixtures' thing types, thing groups,
// things, policies and certificates, then their attachments, reporting
// every failure.
func (c *ControlPlane) ApplyRegistryFixtures(set *fixtures.Set) []error {
	var errs []error
	add := func(kind string, i int, name string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s[%d] (%s): %w", kind, i, name, err))
		}
	}
	r := c.reg
	for i, t := range set.ThingTypes {
		_, err := r.CreateThingType(registry.CreateThingTypeInput{Name: t.Name, Description: t.Description, SearchableAttributes: t.SearchableAttributes})
		add("thingTypes", i, t.Name, err)
	}
	for i, g := range set.ThingGroups {
		_, err := r.CreateThingGroup(registry.CreateThingGroupInput{Name: g.Name, ParentName: g.Parent, Description: g.Description, Attributes: g.Attributes})
		add("thingGroups", i, g.Name, err)
	}
	for i, t := range set.Things {
		add("things", i, t.Name, c.applyThing(t))
	}
	for i, p := range set.Policies {
		doc, err := p.PolicyDocument()
		if err == nil {
			_, err = r.CreatePolicy(p.Name, doc)
		}
		add("policies", i, p.Name, err)
	}
	for i, g := range set.ThingGroups {
		for _, p := range g.Policies {
			add("thingGroups", i, g.Name, r.AttachPolicy(p, r.ThingGroupARN(g.Name)))
		}
	}
	if len(set.Certificates) > 0 && c.cfg.CertsDir != "" {
		if err := c.writeCertsFile("ca.pem", c.cfg.CACertPEM, 0o644); err != nil {
			errs = append(errs, err)
		}
	}
	for i, fc := range set.Certificates {
		add("certificates", i, fc.Name, c.applyCertificate(fc))
	}
	return errs
}

func (c *ControlPlane) applyThing(t fixtures.Thing) error {
	if _, err := c.reg.CreateThing(registry.CreateThingInput{Name: t.Name, TypeName: t.Type, Attributes: t.Attributes}); err != nil {
		return err
	}
	for _, g := range t.Groups {
		if err := c.reg.AddThingToThingGroup(g, t.Name); err != nil {
			return err
		}
	}
	return nil
}

// applyCertificate generates or registers one certificate and attaches
// its policies and things.
func (c *ControlPlane) applyCertificate(fc fixtures.Certificate) error {
	status := registry.CertificateStatus(fc.Status)
	if status == "" {
		status = registry.StatusActive
	}
	cert, err := c.fixtureCertificate(fc, status)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range fc.Policies {
		errs = append(errs, c.reg.AttachPolicy(p, cert.ARN))
	}
	for _, t := range fc.Things {
		errs = append(errs, c.reg.AttachThingPrincipal(t, cert.ARN, ""))
	}
	return errors.Join(errs...)
}

func (c *ControlPlane) fixtureCertificate(fc fixtures.Certificate, status registry.CertificateStatus) (registry.Certificate, error) {
	pemText := fc.CertificatePEM
	if fc.CertificateFile != "" {
		b, err := os.ReadFile(fc.CertificateFile)
		if err != nil {
			return registry.Certificate{}, fmt.Errorf("read certificate: %w", err)
		}
		pemText = string(b)
	}
	if pemText != "" {
		cert, err := c.reg.RegisterCertificate(registry.RegisterCertificateInput{CertificatePEM: pemText, Status: status})
		if errors.Is(err, &registry.Error{Code: registry.CertificateValidation}) {
			cert, err = c.reg.RegisterCertificateWithoutCA(pemText, status)
		}
		return cert, err
	}
	cert, kp, err := c.reg.CreateKeysAndCertificate(status == registry.StatusActive)
	if err != nil {
		return registry.Certificate{}, err
	}
	if status != registry.StatusActive && status != registry.StatusInactive {
		if err := c.reg.UpdateCertificate(cert.ID, status); err != nil {
			return registry.Certificate{}, err
		}
	}
	return cert, c.writeDeviceFiles(fc.Name, cert, kp)
}

// writeDeviceFiles writes a generated certificate and its keys to
// Config.CertsDir, named as the AWS console's downloads are
// (<name>-certificate.pem.crt, -private.pem.key, -public.pem.key).
func (c *ControlPlane) writeDeviceFiles(name string, cert registry.Certificate, kp registry.KeyPair) error {
	if c.cfg.CertsDir == "" {
		return nil
	}
	return errors.Join(
		c.writeCertsFile(name+"-certificate.pem.crt", []byte(cert.PEM), 0o644),
		c.writeCertsFile(name+"-private.pem.key", []byte(kp.PrivateKey), 0o600),
		c.writeCertsFile(name+"-public.pem.key", []byte(kp.PublicKey), 0o644),
	)
}

func (c *ControlPlane) writeCertsFile(name string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(c.cfg.CertsDir, 0o755); err != nil {
		return fmt.Errorf("create certificates folder: %w", err)
	}
	if err := os.WriteFile(filepath.Join(c.cfg.CertsDir, name), data, mode); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
