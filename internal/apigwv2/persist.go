package apigwv2

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/iotemu/iotemu/internal/statedoc"
)

// persistVersion is the layout of Snapshot's document; Restore refuses
// another one.
const persistVersion = 1

// serviceState is every API with its children, as the data directory
// keeps them. Deployments keep what they deployed, so that a restored
// stage serves its deployment, not the API as it is now.
type serviceState struct {
	Version int         `json:"version"`
	APIs    []storedAPI `json:"apis,omitempty"`
	IDs     []string    `json:"ids,omitempty"` // every ID handed out
}

type storedAPI struct {
	API                  API                              `json:"api"`
	Routes               []Route                          `json:"routes,omitempty"`
	RouteResponses       map[string][]RouteResponse       `json:"routeResponses,omitempty"`
	Integrations         []Integration                    `json:"integrations,omitempty"`
	IntegrationResponses map[string][]IntegrationResponse `json:"integrationResponses,omitempty"`
	Authorizers          []Authorizer                     `json:"authorizers,omitempty"`
	Stages               []Stage                          `json:"stages,omitempty"`
	Deployments          []storedDeployment               `json:"deployments,omitempty"`
}

type storedDeployment struct {
	Deployment
	Snapshot *snapshot `json:"snapshot,omitempty"`
}

func values[T any](c *collection[T]) []T {
	out := make([]T, 0, len(c.order))
	for _, v := range c.all() {
		out = append(out, *v)
	}
	return out
}

// Snapshot encodes every API and its children for the data directory, in
// creation order.
func (s *Service) Snapshot() ([]byte, error) {
	s.mu.Lock()
	doc := serviceState{Version: persistVersion, IDs: slices.Sorted(maps.Keys(s.ids))}
	for _, st := range s.apis.all() {
		sa := storedAPI{API: st.api, Routes: values(st.routes), Integrations: values(st.integrations),
			Authorizers: values(st.authorizers), Stages: values(st.stages),
			RouteResponses: map[string][]RouteResponse{}, IntegrationResponses: map[string][]IntegrationResponse{}}
		for id, c := range st.routeResponses {
			sa.RouteResponses[id] = values(c)
		}
		for id, c := range st.integrationResponses {
			sa.IntegrationResponses[id] = values(c)
		}
		for _, d := range st.deployments.all() {
			sa.Deployments = append(sa.Deployments, storedDeployment{Deployment: *d, Snapshot: d.snap})
		}
		doc.APIs = append(doc.APIs, sa)
	}
	raw, err := json.Marshal(doc)
	s.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("apigatewayv2 snapshot: %w", err)
	}
	return raw, nil
}

// Restore replaces every API with a Snapshot's and serves the restored
// WebSocket stages on the Installer. A document it cannot read whole (bad
// JSON, another version, a resource without its ID, a stage whose
// deployment does not translate) is refused and nothing changes; a stage
// the Installer then refuses is reported, the rest restored.
func (s *Service) Restore(raw []byte) error {
	var doc serviceState
	if err := statedoc.Decode("apigatewayv2", raw, persistVersion, &doc); err != nil {
		return err
	}
	apis := newCollection[apiState]()
	for _, sa := range doc.APIs {
		st, err := loadAPI(sa)
		if err != nil {
			return fmt.Errorf("apigatewayv2 restore: %w", err)
		}
		if _, dup := apis.get(st.api.APIID); dup {
			return fmt.Errorf("apigatewayv2 restore: API %s twice", st.api.APIID)
		}
		apis.put(st.api.APIID, st)
	}
	ids := map[string]bool{}
	for _, id := range doc.IDs {
		ids[id] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.apis.all() {
		for _, sg := range st.stages.all() {
			s.uninstall(st, sg)
		}
	}
	s.apis, s.ids = apis, ids
	var errs []error
	for _, st := range apis.all() {
		for _, sg := range st.stages.all() {
			errs = append(errs, s.install(st, sg))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("apigatewayv2 restore: %w", err)
	}
	return nil
}

// loadAPI rebuilds one API; every stage's deployment must translate, so
// that installing it cannot fail half way.
func loadAPI(sa storedAPI) (*apiState, error) {
	if sa.API.APIID == "" {
		return nil, errors.New("an API without an ID")
	}
	st := newAPIState(sa.API)
	for _, r := range sa.Routes {
		if r.RouteID == "" {
			return nil, fmt.Errorf("API %s: a route without an ID", sa.API.APIID)
		}
		st.routes.put(r.RouteID, &r)
	}
	for id, list := range sa.RouteResponses {
		c := newCollection[RouteResponse]()
		for _, rr := range list {
			c.put(rr.RouteResponseID, &rr)
		}
		st.routeResponses[id] = c
	}
	for _, in := range sa.Integrations {
		if in.IntegrationID == "" {
			return nil, fmt.Errorf("API %s: an integration without an ID", sa.API.APIID)
		}
		st.integrations.put(in.IntegrationID, &in)
	}
	for id, list := range sa.IntegrationResponses {
		c := newCollection[IntegrationResponse]()
		for _, ir := range list {
			c.put(ir.IntegrationResponseID, &ir)
		}
		st.integrationResponses[id] = c
	}
	// Every route and integration has its (maybe empty) responses, as
	// CreateRoute and CreateIntegration make them.
	for _, r := range st.routes.all() {
		if st.routeResponses[r.RouteID] == nil {
			st.routeResponses[r.RouteID] = newCollection[RouteResponse]()
		}
	}
	for _, in := range st.integrations.all() {
		if st.integrationResponses[in.IntegrationID] == nil {
			st.integrationResponses[in.IntegrationID] = newCollection[IntegrationResponse]()
		}
	}
	for _, a := range sa.Authorizers {
		if a.AuthorizerID == "" {
			return nil, fmt.Errorf("API %s: an authorizer without an ID", sa.API.APIID)
		}
		st.authorizers.put(a.AuthorizerID, &a)
	}
	for _, d := range sa.Deployments {
		if d.DeploymentID == "" || d.Snapshot == nil {
			return nil, fmt.Errorf("API %s: a deployment without an ID or what it deployed", sa.API.APIID)
		}
		dep := d.Deployment
		dep.snap = d.Snapshot
		st.deployments.put(dep.DeploymentID, &dep)
	}
	for _, sg := range sa.Stages {
		if sg.StageName == "" {
			return nil, fmt.Errorf("API %s: a stage without a name", sa.API.APIID)
		}
		if d, ok := st.deployments.get(sg.DeploymentID); ok && st.websocket() {
			if _, err := translate(st.api, d.snap, &sg); err != nil {
				return nil, fmt.Errorf("API %s stage %s: %w", sa.API.APIID, sg.StageName, err)
			}
		}
		st.stages.put(sg.StageName, &sg)
	}
	return st, nil
}
