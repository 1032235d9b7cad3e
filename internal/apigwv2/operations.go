package apigwv2

import "net/http"

// operations are the served operations with their requestUri and success
// status: Create* 201, Delete* 204, the rest 200; TagResource 201.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Operations" (botocore operations.*.http).
func (s *Service) operations() []endpoint {
	const (
		get, post, patchM, del = http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete
		ok, created, none      = http.StatusOK, http.StatusCreated, http.StatusNoContent
		api                    = "/v2/apis/{apiId}"
		rt                     = api + "/routes/{routeId}"
		in                     = api + "/integrations/{integrationId}"
		sg                     = api + "/stages/{stageName}"
	)
	return []endpoint{
		{post, "/v2/apis", created, s.createAPI},
		{get, "/v2/apis", ok, s.getAPIs},
		{get, api, ok, s.getAPI},
		{patchM, api, ok, s.updateAPI},
		{del, api, none, s.deleteAPI},
		{del, api + "/cors", none, s.deleteCORS},

		{post, api + "/routes", created, s.createRoute},
		{get, api + "/routes", ok, s.getRoutes},
		{get, rt, ok, s.getRoute},
		{patchM, rt, ok, s.updateRoute},
		{del, rt, none, s.deleteRoute},
		{del, rt + "/requestparameters/{requestParameterKey}", none, s.deleteRouteRequestParameter},
		{post, rt + "/routeresponses", created, s.createRouteResponse},
		{get, rt + "/routeresponses", ok, s.getRouteResponses},
		{get, rt + "/routeresponses/{routeResponseId}", ok, s.getRouteResponse},
		{patchM, rt + "/routeresponses/{routeResponseId}", ok, s.updateRouteResponse},
		{del, rt + "/routeresponses/{routeResponseId}", none, s.deleteRouteResponse},

		{post, api + "/integrations", created, s.createIntegration},
		{get, api + "/integrations", ok, s.getIntegrations},
		{get, in, ok, s.getIntegration},
		{patchM, in, ok, s.updateIntegration},
		{del, in, none, s.deleteIntegration},
		{post, in + "/integrationresponses", created, s.createIntegrationResponse},
		{get, in + "/integrationresponses", ok, s.getIntegrationResponses},
		{get, in + "/integrationresponses/{integrationResponseId}", ok, s.getIntegrationResponse},
		{patchM, in + "/integrationresponses/{integrationResponseId}", ok, s.updateIntegrationResponse},
		{del, in + "/integrationresponses/{integrationResponseId}", none, s.deleteIntegrationResponse},

		{post, api + "/authorizers", created, s.createAuthorizer},
		{get, api + "/authorizers", ok, s.getAuthorizers},
		{get, api + "/authorizers/{authorizerId}", ok, s.getAuthorizer},
		{patchM, api + "/authorizers/{authorizerId}", ok, s.updateAuthorizer},
		{del, api + "/authorizers/{authorizerId}", none, s.deleteAuthorizer},

		{post, api + "/stages", created, s.createStage},
		{get, api + "/stages", ok, s.getStages},
		{get, sg, ok, s.getStage},
		{patchM, sg, ok, s.updateStage},
		{del, sg, none, s.deleteStage},
		{del, sg + "/routesettings/{routeKey}", none, s.deleteRouteSettings},
		{del, sg + "/accesslogsettings", none, s.deleteAccessLogSettings},
		{del, sg + "/cache/authorizers", none, s.resetAuthorizersCache},

		{post, api + "/deployments", created, s.createDeployment},
		{get, api + "/deployments", ok, s.getDeployments},
		{get, api + "/deployments/{deploymentId}", ok, s.getDeployment},
		{patchM, api + "/deployments/{deploymentId}", ok, s.updateDeployment},
		{del, api + "/deployments/{deploymentId}", none, s.deleteDeployment},

		{post, "/v2/tags/{resourceArn...}", created, s.tagResource},
		{get, "/v2/tags/{resourceArn...}", ok, s.getTags},
		{del, "/v2/tags/{resourceArn...}", none, s.untagResource},
	}
}
