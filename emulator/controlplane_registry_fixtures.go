package emulator

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/iotemu/iotemu/fixtures"
	iotreg "github.com/iotemu/iotemu/registry"
)

// applyRegistryFixtures creates the fixtures' thing types, thing groups,
// things, policies and certificates, then their attachments, reporting
// every failure.
func (s *Server) applyRegistryFixtures(set *fixtures.Set) []error {
	var errs []error
	add := func(kind string, i int, name string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s[%d] (%s): %w", kind, i, name, err))
		}
	}
	r := s.iotreg
	for i, t := range set.ThingTypes {
		_, err := r.CreateThingType(iotreg.CreateThingTypeInput{Name: t.Name, Description: t.Description, SearchableAttributes: t.SearchableAttributes})
		add("thingTypes", i, t.Name, err)
	}
	for i, g := range set.ThingGroups {
		_, err := r.CreateThingGroup(iotreg.CreateThingGroupInput{Name: g.Name, ParentName: g.Parent, Description: g.Description, Attributes: g.Attributes})
		add("thingGroups", i, g.Name, err)
	}
	for i, t := range set.Things {
		add("things", i, t.Name, s.applyThing(t))
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
	if len(set.Certificates) > 0 && s.cfg.CertsDir != "" {
		if err := s.writeCertsFile("ca.pem", s.ca.CertPEM, 0o644); err != nil {
			errs = append(errs, err)
		}
	}
	for i, c := range set.Certificates {
		add("certificates", i, c.Name, s.applyCertificate(c))
	}
	return errs
}

func (s *Server) applyThing(t fixtures.Thing) error {
	if _, err := s.iotreg.CreateThing(iotreg.CreateThingInput{Name: t.Name, TypeName: t.Type, Attributes: t.Attributes}); err != nil {
		return err
	}
	for _, g := range t.Groups {
		if err := s.iotreg.AddThingToThingGroup(g, t.Name); err != nil {
			return err
		}
	}
	return nil
}

// applyCertificate generates or registers one certificate and attaches
// its policies and things.
func (s *Server) applyCertificate(c fixtures.Certificate) error {
	status := iotreg.CertificateStatus(c.Status)
	if status == "" {
		status = iotreg.StatusActive
	}
	cert, err := s.fixtureCertificate(c, status)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range c.Policies {
		errs = append(errs, s.iotreg.AttachPolicy(p, cert.ARN))
	}
	for _, t := range c.Things {
		errs = append(errs, s.iotreg.AttachThingPrincipal(t, cert.ARN, ""))
	}
	return errors.Join(errs...)
}

func (s *Server) fixtureCertificate(c fixtures.Certificate, status iotreg.CertificateStatus) (iotreg.Certificate, error) {
	pemText := c.CertificatePEM
	if c.CertificateFile != "" {
		b, err := os.ReadFile(c.CertificateFile)
		if err != nil {
			return iotreg.Certificate{}, fmt.Errorf("read certificate: %w", err)
		}
		pemText = string(b)
	}
	if pemText != "" {
		cert, err := s.iotreg.RegisterCertificate(iotreg.RegisterCertificateInput{CertificatePEM: pemText, Status: status})
		if errors.Is(err, &iotreg.Error{Code: iotreg.CertificateValidation}) {
			cert, err = s.iotreg.RegisterCertificateWithoutCA(pemText, status)
		}
		return cert, err
	}
	cert, kp, err := s.iotreg.CreateKeysAndCertificate(status == iotreg.StatusActive)
	if err != nil {
		return iotreg.Certificate{}, err
	}
	if status != iotreg.StatusActive && status != iotreg.StatusInactive {
		if err := s.iotreg.UpdateCertificate(cert.ID, status); err != nil {
			return iotreg.Certificate{}, err
		}
	}
	return cert, s.writeDeviceFiles(c.Name, cert, kp)
}

// writeDeviceFiles writes a generated certificate and its keys to
// Config.CertsDir, named as the AWS console's downloads are
// (<name>-certificate.pem.crt, -private.pem.key, -public.pem.key).
func (s *Server) writeDeviceFiles(name string, cert iotreg.Certificate, kp iotreg.KeyPair) error {
	if s.cfg.CertsDir == "" {
		return nil
	}
	return errors.Join(
		s.writeCertsFile(name+"-certificate.pem.crt", []byte(cert.PEM), 0o644),
		s.writeCertsFile(name+"-private.pem.key", []byte(kp.PrivateKey), 0o600),
		s.writeCertsFile(name+"-public.pem.key", []byte(kp.PublicKey), 0o644),
	)
}

func (s *Server) writeCertsFile(name string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(s.cfg.CertsDir, 0o755); err != nil {
		return fmt.Errorf("create certificates folder: %w", err)
	}
	if err := os.WriteFile(filepath.Join(s.cfg.CertsDir, name), data, mode); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
