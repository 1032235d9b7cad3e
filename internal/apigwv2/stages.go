package apigwv2

import (
	"net/http"
	"regexp"
)

// Stage variable names and values, as the model documents them; a stage
// name is a path segment of the API's URL.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Stages" (botocore CreateStageRequest.StageVariables).
var (
	stageVarName  = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
	stageVarValue = regexp.MustCompile(`^[A-Za-z0-9\-._~:/?#&=,]+$`)
	stageName     = regexp.MustCompile(`^\$?[A-Za-z0-9_-]{1,128}$`)
)

func (s *Service) createStage(r *http.Request, body []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	var sg Stage
	if err := decode(body, &sg); err != nil {
		return nil, err
	}
	if err := s.validateNewStage(st, &sg); err != nil {
		return nil, err
	}
	if err := st.validateStage(&sg); err != nil {
		return nil, err
	}
	defaultStage(&sg)
	now := timestamp(s.cfg.Now())
	sg.CreatedDate, sg.LastUpdatedDate, sg.LastDeploymentStatusMessage = now, now, ""
	st.stages.put(sg.StageName, &sg)
	switch {
	case sg.AutoDeploy:
		s.autoDeploy(st, &sg)
	case sg.DeploymentID != "":
		if err := s.install(st, &sg); err != nil {
			sg.LastDeploymentStatusMessage = err.Error()
		}
	}
	return sg, nil
}

// validateNewStage refuses a stage name the API has, or that another API
// of this Service has: all APIs share the mimic's port, where a stage is
// the first path segment (docs/compatibility.md "Stages").
func (s *Service) validateNewStage(st *apiState, sg *Stage) error {
	if !stageName.MatchString(sg.StageName) {
		return badRequest("Invalid stage name specified: %q", sg.StageName)
	}
	if _, ok := st.stages.get(sg.StageName); ok {
		return conflict("Stage %s already exists", sg.StageName)
	}
	for _, other := range s.apis.all() {
		if _, ok := other.stages.get(sg.StageName); ok && other.websocket() && st.websocket() {
			return conflict("Stage name %s is already used by API %s: on this emulator all WebSocket APIs share one port, where the stage is the path, so stage names are unique across APIs", sg.StageName, other.api.APIID)
		}
	}
	return nil
}

func (st *apiState) validateStage(sg *Stage) error {
	for k, v := range sg.StageVariables {
		if !stageVarName.MatchString(k) || !stageVarValue.MatchString(v) || len(v) > 2048 {
			return badRequest("Invalid stage variable specified: %s=%q. Names match [A-Za-z0-9_]+ and values [A-Za-z0-9-._~:/?#&=,]+", k, v)
		}
	}
	if sg.DeploymentID != "" {
		if _, ok := st.deployments.get(sg.DeploymentID); !ok {
			return notFoundID("Deployment", sg.DeploymentID)
		}
	}
	return nil
}

// defaultStage fills what AWS answers for members not given.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Stages" (CLI create-stage example).
func defaultStage(sg *Stage) {
	if sg.DefaultRouteSettings == nil {
		f := false
		sg.DefaultRouteSettings = &RouteSettings{DetailedMetricsEnabled: &f}
	}
	if sg.RouteSettings == nil {
		sg.RouteSettings = map[string]RouteSettings{}
	}
	if sg.StageVariables == nil {
		sg.StageVariables = map[string]string{}
	}
	if sg.Tags == nil {
		sg.Tags = map[string]string{}
	}
}

func (s *Service) getStage(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	return st.stage(r)
}

func (s *Service) getStages(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	return list(st.stages, r)
}

// stageFixed are the Stage members UpdateStage does not change.
var stageFixed = []string{"stageName", "createdDate", "lastUpdatedDate", "lastDeploymentStatusMessage", "tags", "apiGatewayManaged"}

// updateStage merges stageVariables (a "" value removes the variable, as
// Terraform relies on) and routeSettings, then serves the stage again.
func (s *Service) updateStage(r *http.Request, body []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	cur, err := st.stage(r)
	if err != nil {
		return nil, err
	}
	sg, err := patch(cur, body, stageFixed, []string{"stageVariables", "routeSettings"})
	if err != nil {
		return nil, err
	}
	if err := st.validateStage(sg); err != nil {
		return nil, err
	}
	defaultStage(sg)
	sg.installed = cur.installed
	sg.LastUpdatedDate = timestamp(s.cfg.Now())
	st.stages.put(sg.StageName, sg)
	if sg.AutoDeploy && (!cur.AutoDeploy || sg.DeploymentID == "") {
		s.autoDeploy(st, sg)
	} else if err := s.install(st, sg); err != nil {
		sg.LastDeploymentStatusMessage = err.Error()
	}
	return sg, nil
}

func (s *Service) deleteStage(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	sg, err := st.stage(r)
	if err != nil {
		return nil, err
	}
	s.uninstall(st, sg)
	st.stages.del(sg.StageName)
	return nil, nil
}

func (s *Service) deleteRouteSettings(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	sg, err := st.stage(r)
	if err != nil {
		return nil, err
	}
	key := r.PathValue("routeKey")
	if _, ok := sg.RouteSettings[key]; !ok {
		return nil, notFound("Invalid route settings key specified %s", key)
	}
	delete(sg.RouteSettings, key)
	return nil, nil
}

func (s *Service) deleteAccessLogSettings(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	sg, err := st.stage(r)
	if err != nil {
		return nil, err
	}
	sg.AccessLogSettings = nil
	return nil, nil
}
