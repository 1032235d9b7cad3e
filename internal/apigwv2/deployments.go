package apigwv2

import (
	"fmt"
	"net/http"
)

// The deployment statuses; deployments here are DEPLOYED at once, as in
// AWS's example, or FAILED when the mimic could not serve them.
const (
	statusDeployed = "DEPLOYED"
	statusFailed   = "FAILED"
)

// autoDeployDescription is the description of automatic deployments.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Deployments" (CLI get-deployments example).
const autoDeployDescription = "Automatic deployment triggered by changes to the Api configuration"

func (s *Service) createDeployment(r *http.Request, body []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	var in struct {
		Description string `json:"description"`
		StageName   string `json:"stageName"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var sg *Stage
	if in.StageName != "" {
		var ok bool
		if sg, ok = st.stages.get(in.StageName); !ok {
			return nil, notFound("Invalid stage identifier specified")
		}
		if sg.AutoDeploy {
			return nil, badRequest("Stage %s has autoDeploy enabled: its deployments are automatic", sg.StageName)
		}
	}
	snap, err := st.snapshot()
	if err != nil {
		return nil, err
	}
	if err := snap.check(st.websocket()); err != nil {
		return nil, err
	}
	d := s.newDeployment(st, snap, false, in.Description)
	if sg != nil {
		s.deploy(st, sg, d)
	}
	return d, nil
}

func (s *Service) newDeployment(st *apiState, snap *snapshot, auto bool, description string) *Deployment {
	d := &Deployment{
		AutoDeployed: auto, CreatedDate: timestamp(s.cfg.Now()), DeploymentID: s.newID(deploymentIDLen),
		DeploymentStatus: statusDeployed, Description: description, snap: snap,
	}
	st.deployments.put(d.DeploymentID, d)
	return d
}

// deploy points sg at d and serves it. When the mimic cannot serve it, d
// is FAILED with the reason and sg keeps its deployment.
func (s *Service) deploy(st *apiState, sg *Stage, d *Deployment) {
	prev := sg.DeploymentID
	sg.DeploymentID = d.DeploymentID
	sg.LastUpdatedDate = timestamp(s.cfg.Now())
	if err := s.install(st, sg); err != nil {
		d.DeploymentStatus, d.DeploymentStatusMessage = statusFailed, err.Error()
		sg.DeploymentID = prev
		if sg.AutoDeploy {
			sg.LastDeploymentStatusMessage = fmt.Sprintf("Deployment %s failed: %v", d.DeploymentID, err)
		}
		return
	}
	if sg.AutoDeploy {
		// Text unconfirmed (docs/compatibility.md "Deployments").
		sg.LastDeploymentStatusMessage = fmt.Sprintf("Successfully deployed stage with deployment ID '%s'", d.DeploymentID)
	}
}

// changed redeploys every autoDeploy stage after a change of the API's
// configuration. A configuration that cannot be deployed yet (no routes,
// a route without an integration) leaves the stages as they are.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Deployments".
func (s *Service) changed(st *apiState) {
	for _, sg := range st.stages.all() {
		if sg.AutoDeploy {
			s.autoDeploy(st, sg)
		}
	}
}

func (s *Service) autoDeploy(st *apiState, sg *Stage) {
	snap, err := st.snapshot()
	if err == nil {
		err = snap.check(st.websocket())
	}
	if err != nil {
		sg.LastDeploymentStatusMessage = fmt.Sprintf("Automatic deployment not made: %v", err)
		return
	}
	s.deploy(st, sg, s.newDeployment(st, snap, true, autoDeployDescription))
}

// install serves sg's deployment on the Installer (WebSocket APIs only),
// or takes sg down when it has no deployment.
func (s *Service) install(st *apiState, sg *Stage) error {
	if s.cfg.Installer == nil || !st.websocket() {
		return nil
	}
	d, ok := st.deployments.get(sg.DeploymentID)
	if !ok {
		s.uninstall(st, sg)
		return nil
	}
	a, err := translate(st.api, d.snap, sg)
	if err != nil {
		return fmt.Errorf("translate stage %s: %w", sg.StageName, err)
	}
	if err := s.cfg.Installer.PutAPI(a); err != nil {
		return fmt.Errorf("serve stage %s: %w", sg.StageName, err)
	}
	sg.installed = true
	return nil
}

// uninstall takes sg down if the Installer serves it for us.
func (s *Service) uninstall(_ *apiState, sg *Stage) {
	if s.cfg.Installer != nil && sg.installed {
		s.cfg.Installer.RemoveAPI(sg.StageName)
	}
	sg.installed = false
}

func (s *Service) getDeployment(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	return st.deployment(r)
}

func (s *Service) getDeployments(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	return list(st.deployments, r)
}

// updateDeployment changes the description, UpdateDeployment's only member.
func (s *Service) updateDeployment(r *http.Request, body []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	d, err := st.deployment(r)
	if err != nil {
		return nil, err
	}
	var in struct {
		Description *string `json:"description"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Description != nil {
		d.Description = *in.Description
	}
	return d, nil
}

// deleteDeployment refuses a deployment a stage serves, with API
// Gateway's text for it (unconfirmed on apigatewayv2).
func (s *Service) deleteDeployment(r *http.Request, _ []byte) (any, error) {
	st, err := s.lookupAPI(r)
	if err != nil {
		return nil, err
	}
	d, err := st.deployment(r)
	if err != nil {
		return nil, err
	}
	for _, sg := range st.stages.all() {
		if sg.DeploymentID == d.DeploymentID {
			return nil, badRequest("Active stages pointing to this deployment must be moved or deleted")
		}
	}
	st.deployments.del(d.DeploymentID)
	return nil, nil
}
