package apigwv2

import (
	"encoding/json"
	"fmt"
)

// snapshot is what a deployment deployed: "A deployment is a snapshot of
// your API configuration." A stage serves its deployment's snapshot, not
// the API as it is now.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-stages.html#websocket-api-stages.stage-variables
type snapshot struct {
	RouteSelectionExpression string
	Routes                   []Route
	RouteResponses           map[string][]RouteResponse // by routeId
	Integrations             map[string]Integration
	IntegrationResponses     map[string][]IntegrationResponse // by integrationId
	Authorizers              map[string]Authorizer
}

// snapshot copies the API's configuration deeply (through JSON: the
// resources are plain data).
func (st *apiState) snapshot() (*snapshot, error) {
	snap := snapshot{
		RouteSelectionExpression: st.api.RouteSelectionExpression,
		RouteResponses:           map[string][]RouteResponse{},
		Integrations:             map[string]Integration{},
		IntegrationResponses:     map[string][]IntegrationResponse{},
		Authorizers:              map[string]Authorizer{},
	}
	for _, rt := range st.routes.all() {
		snap.Routes = append(snap.Routes, *rt)
		for _, rr := range st.routeResponses[rt.RouteID].all() {
			snap.RouteResponses[rt.RouteID] = append(snap.RouteResponses[rt.RouteID], *rr)
		}
	}
	for _, in := range st.integrations.all() {
		snap.Integrations[in.IntegrationID] = *in
		for _, ir := range st.integrationResponses[in.IntegrationID].all() {
			snap.IntegrationResponses[in.IntegrationID] = append(snap.IntegrationResponses[in.IntegrationID], *ir)
		}
	}
	for _, a := range st.authorizers.all() {
		snap.Authorizers[a.AuthorizerID] = *a
	}
	b, err := json.Marshal(snap)
	if err != nil {
		return nil, fmt.Errorf("snapshot api %s: %w", st.api.APIID, err)
	}
	var out snapshot
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("snapshot api %s: %w", st.api.APIID, err)
	}
	return &out, nil
}

// check reports why the snapshot cannot be deployed: no routes (AWS's
// observed texts), or a route without an integration (unconfirmed,
// docs/compatibility.md "Deployments").
func (snap *snapshot) check(websocket bool) error {
	if len(snap.Routes) == 0 {
		if websocket {
			return badRequest("At least one route is required before deploying the Api")
		}
		return badRequest("Unable to deploy API because no routes exist in this API")
	}
	if !websocket {
		return nil
	}
	for _, rt := range snap.Routes {
		if _, ok := snap.integrationOf(rt); !ok {
			return badRequest("Execution failed for route %s (%s): the route has no integration. Set its target to integrations/{integrationId} before deploying", rt.RouteKey, rt.RouteID)
		}
	}
	return nil
}

func (snap *snapshot) integrationOf(rt Route) (Integration, bool) {
	if len(rt.Target) <= len(targetPrefix) {
		return Integration{}, false
	}
	in, ok := snap.Integrations[rt.Target[len(targetPrefix):]]
	return in, ok
}
