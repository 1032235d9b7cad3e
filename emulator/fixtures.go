package emulator

import (
	"context"
	"errors"
	"fmt"

	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/shadow"
)

// Apply loads seed data into the running or not yet started server:
// shadows are stored (without notifications, as if they had always been
// there), rules are created, the registry's things, policies and
// certificates are created and attached, then job templates and jobs.
// It reports every invalid entry.
func (s *Server) Apply(ctx context.Context, set *fixtures.Set) error {
	if set == nil {
		return nil
	}
	var errs []error
	if err := s.applyShadowFixtures(ctx, set.Shadows); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, s.control.ApplyRuleFixtures(set.Rules)...)
	errs = append(errs, s.applyFunctions(set.Functions)...)
	errs = append(errs, s.applyAPIs(ctx, set.APIs)...)
	errs = append(errs, s.control.ApplyRegistryFixtures(set)...)
	errs = append(errs, s.applyAuthorizerFixtures(set.Authorizers)...)
	errs = append(errs, s.applyJobFixtures(ctx, set)...)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("apply fixtures: %w", err)
	}
	return s.persist.flush() // what was applied from Go is kept as an HTTP change is
}

// applyFixtureConfig applies what of the fixtures is configuration rather
// than state, on a data directory restored instead of given the fixtures:
// the functions and the Lambda endpoints of the APIs' functions (the data
// directory keeps no function).
func (s *Server) applyFixtureConfig(set *fixtures.Set) error {
	if set == nil {
		return nil
	}
	errs := s.applyFunctions(set.Functions)
	for i, fa := range set.APIs {
		if err := s.apiEndpoints(fa); err != nil {
			errs = append(errs, fmt.Errorf("apis[%d] (%s): %w", i, fa.Name, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("apply fixtures: %w", err)
	}
	return nil
}

// applyShadowFixtures stores the fixtures' shadows, reporting every
// invalid one.
func (s *Server) applyShadowFixtures(ctx context.Context, shadows []fixtures.Shadow) error {
	var errs []error
	for i, sh := range shadows {
		doc, err := shadow.ParseDocument(sh.Document)
		if err == nil {
			err = s.shadows.Set(ctx, sh.Thing, sh.Name, doc)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("shadows[%d] (%s %q): %w", i, sh.Thing, sh.Name, err))
		}
	}
	return errors.Join(errs...)
}
