package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// The reset API: POST /iotemu/reset (everything) and
// POST /iotemu/reset?area=<area> (one area, repeatable), an iotemu
// extension so that one long-running emulator can be shared by test cases.
// A reset returns the emulator to its start state: the area is emptied,
// then what the configuration put there (Config.Fixtures, Config.Rules) is
// put back, so a shared container starts every test case from its fixtures
// file (README "Operate it"; docs/compatibility.md "iotemu-only
// endpoints").

// AreaRegistry is the reset area of things and certificates: the whole
// registry (things, thing types and groups, certificates, policies,
// attachments), the tags and the custom authorizers. "things" and
// "certificates" name it too.
const AreaRegistry = "registry"

// AreaFaults is the reset area of injected faults (a full reset removes
// them first).
const AreaFaults = "faults"

// resetAreas lists the areas of a full reset, in the order they are reset:
// connections first, so that no client acts on what is reset next.
var resetAreas = []string{AreaFaults, AreaConnections, AreaAPIGateway, AreaRetained, AreaShadows, AreaRules, AreaJobs, AreaRegistry}

// Reset empties the named areas (all of them when none is named) and
// re-applies what the configuration put there: Config.Fixtures' shadows,
// rules, registry and authorizers, and Config.Rules. Connections and
// API Gateway connections are closed (no Last Will is sent), retained
// messages and jobs are deleted; no event or notification is published
// for what a reset removes. Fixtures applied later with Apply are not
// re-applied.
func (s *Server) Reset(ctx context.Context, areas ...string) error {
	ordered, err := resetOrder(areas)
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range ordered {
		if err := s.resetArea(ctx, a); err != nil {
			errs = append(errs, fmt.Errorf("reset %s: %w", a, err))
		}
	}
	// The data directory forgets what was reset (and keeps the fixtures
	// put back) also when Reset is called from Go.
	if err := s.persist.flush(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// resetOrder validates the areas and returns them in resetAreas' order,
// each once.
func resetOrder(areas []string) ([]string, error) {
	if len(areas) == 0 {
		return resetAreas, nil
	}
	want := map[string]bool{}
	for _, a := range areas {
		switch a {
		case AreaThings, AreaCertificates:
			a = AreaRegistry
		}
		if !slices.Contains(resetAreas, a) {
			return nil, fmt.Errorf("%w: %q (areas: %v)", ErrUnknownArea, a, resetAreas)
		}
		want[a] = true
	}
	var out []string
	for _, a := range resetAreas {
		if want[a] {
			out = append(out, a)
		}
	}
	return out, nil
}

// ErrUnknownArea is returned by Reset for an area it does not know.
var ErrUnknownArea = errors.New("unknown state area")

func (s *Server) resetArea(ctx context.Context, area string) error {
	fx := s.cfg.Fixtures
	switch area {
	case AreaFaults:
		return s.resetFaults(ctx)
	case AreaConnections:
		return s.broker.ResetSessions()
	case AreaAPIGateway:
		return s.apigw.CloseConnections(ctx)
	case AreaRetained:
		s.broker.ResetRetained()
	case AreaShadows:
		return s.resetShadows(ctx)
	case AreaRules:
		s.rules.Reset()
		s.records.reset()
		s.matches.reset()
		errs := s.addConfigRules()
		if fx != nil {
			errs = append(errs, s.control.ApplyRuleFixtures(fx.Rules)...)
		}
		return errors.Join(errs...)
	case AreaJobs:
		s.jobs.Reset()
	case AreaRegistry:
		s.control.Reset()
		s.authorizers.Reset()
		s.provisioning.Reset()
		if fx == nil {
			return nil
		}
		errs := s.control.ApplyRegistryFixtures(fx)
		errs = append(errs, s.applyAuthorizerFixtures(fx.Authorizers)...)
		return errors.Join(errs...)
	}
	return nil
}

// resetShadows forgets every shadow (and its fleet index document), then
// stores the fixtures' shadows again.
func (s *Server) resetShadows(ctx context.Context) error {
	all, err := s.shadows.All(ctx)
	if err != nil {
		return err
	}
	if err := s.shadows.Reset(ctx); err != nil {
		return err
	}
	for _, e := range all {
		s.fleet.ix.DeleteShadow(e.Thing, e.Name)
	}
	if s.cfg.Fixtures == nil {
		return nil
	}
	return s.applyShadowFixtures(ctx, s.cfg.Fixtures.Shadows)
}

// handleReset serves POST /iotemu/reset[?area=a[&area=b]] → 204.
func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	areas := r.URL.Query()["area"]
	if err := s.Reset(r.Context(), areas...); err != nil {
		if errors.Is(err, ErrUnknownArea) {
			writeError(w, awsrest.Errorf(http.StatusBadRequest, awsrest.InvalidRequest, "%v", err))
			return
		}
		writeError(w, awsrest.Errorf(http.StatusInternalServerError, awsrest.InternalFailure, "%v", err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
