package apigwv2

import "encoding/json"

// The resources below are both the stored state and the wire shapes: their
// JSON names are the locationNames of botocore's apigatewayv2 model (all
// camelCase), so a Get answers exactly what was stored.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Wire format"
// (botocore apigatewayv2/2018-11-29/service-2.json, shapes Api, Route, …)

// API is the Api shape. APIEndpoint is filled in when it is answered.
type API struct {
	APIEndpoint               string            `json:"apiEndpoint,omitempty"`
	APIID                     string            `json:"apiId"`
	APIKeySelectionExpression string            `json:"apiKeySelectionExpression,omitempty"`
	CorsConfiguration         json.RawMessage   `json:"corsConfiguration,omitempty"`
	CreatedDate               string            `json:"createdDate,omitempty"`
	Description               string            `json:"description,omitempty"`
	DisableSchemaValidation   bool              `json:"disableSchemaValidation,omitempty"`
	DisableExecuteAPIEndpoint bool              `json:"disableExecuteApiEndpoint"`
	IPAddressType             string            `json:"ipAddressType,omitempty"`
	Name                      string            `json:"name"`
	ProtocolType              string            `json:"protocolType"`
	RouteSelectionExpression  string            `json:"routeSelectionExpression"`
	Tags                      map[string]string `json:"tags"`
	Version                   string            `json:"version,omitempty"`
	// Members of CreateApi's quick create, refused on WebSocket APIs.
	Target         string `json:"target,omitempty"`
	RouteKey       string `json:"routeKey,omitempty"`
	CredentialsArn string `json:"credentialsArn,omitempty"`
}

// ParameterConstraints is {"required": bool}.
type ParameterConstraints struct {
	Required bool `json:"required"`
}

// Route is the Route shape.
type Route struct {
	APIKeyRequired                   bool                            `json:"apiKeyRequired"`
	AuthorizationScopes              []string                        `json:"authorizationScopes,omitempty"`
	AuthorizationType                string                          `json:"authorizationType"`
	AuthorizerID                     string                          `json:"authorizerId,omitempty"`
	ModelSelectionExpression         string                          `json:"modelSelectionExpression,omitempty"`
	OperationName                    string                          `json:"operationName,omitempty"`
	RequestModels                    map[string]string               `json:"requestModels,omitempty"`
	RequestParameters                map[string]ParameterConstraints `json:"requestParameters,omitempty"`
	RouteID                          string                          `json:"routeId"`
	RouteKey                         string                          `json:"routeKey"`
	RouteResponseSelectionExpression string                          `json:"routeResponseSelectionExpression,omitempty"`
	Target                           string                          `json:"target,omitempty"`
}

// RouteResponse is the RouteResponse shape.
type RouteResponse struct {
	ModelSelectionExpression string                          `json:"modelSelectionExpression,omitempty"`
	ResponseModels           map[string]string               `json:"responseModels,omitempty"`
	ResponseParameters       map[string]ParameterConstraints `json:"responseParameters,omitempty"`
	RouteResponseID          string                          `json:"routeResponseId"`
	RouteResponseKey         string                          `json:"routeResponseKey"`
}

// Integration is the Integration shape.
type Integration struct {
	ConnectionID                           string                       `json:"connectionId,omitempty"`
	ConnectionType                         string                       `json:"connectionType,omitempty"`
	ContentHandlingStrategy                string                       `json:"contentHandlingStrategy,omitempty"`
	CredentialsArn                         string                       `json:"credentialsArn,omitempty"`
	Description                            string                       `json:"description,omitempty"`
	IntegrationID                          string                       `json:"integrationId"`
	IntegrationMethod                      string                       `json:"integrationMethod,omitempty"`
	IntegrationResponseSelectionExpression string                       `json:"integrationResponseSelectionExpression,omitempty"`
	IntegrationSubtype                     string                       `json:"integrationSubtype,omitempty"`
	IntegrationType                        string                       `json:"integrationType"`
	IntegrationURI                         string                       `json:"integrationUri,omitempty"`
	PassthroughBehavior                    string                       `json:"passthroughBehavior,omitempty"`
	PayloadFormatVersion                   string                       `json:"payloadFormatVersion,omitempty"`
	RequestParameters                      map[string]string            `json:"requestParameters,omitempty"`
	RequestTemplates                       map[string]string            `json:"requestTemplates,omitempty"`
	ResponseParameters                     map[string]map[string]string `json:"responseParameters,omitempty"`
	TemplateSelectionExpression            string                       `json:"templateSelectionExpression,omitempty"`
	TimeoutInMillis                        int                          `json:"timeoutInMillis,omitempty"`
	TLSConfig                              json.RawMessage              `json:"tlsConfig,omitempty"`
}

// IntegrationResponse is the IntegrationResponse shape.
type IntegrationResponse struct {
	ContentHandlingStrategy     string            `json:"contentHandlingStrategy,omitempty"`
	IntegrationResponseID       string            `json:"integrationResponseId"`
	IntegrationResponseKey      string            `json:"integrationResponseKey"`
	ResponseParameters          map[string]string `json:"responseParameters,omitempty"`
	ResponseTemplates           map[string]string `json:"responseTemplates,omitempty"`
	TemplateSelectionExpression string            `json:"templateSelectionExpression,omitempty"`
}

// Authorizer is the Authorizer shape.
type Authorizer struct {
	AuthorizerCredentialsArn       string          `json:"authorizerCredentialsArn,omitempty"`
	AuthorizerID                   string          `json:"authorizerId"`
	AuthorizerPayloadFormatVersion string          `json:"authorizerPayloadFormatVersion,omitempty"`
	AuthorizerResultTTLInSeconds   *int            `json:"authorizerResultTtlInSeconds,omitempty"`
	AuthorizerType                 string          `json:"authorizerType"`
	AuthorizerURI                  string          `json:"authorizerUri,omitempty"`
	EnableSimpleResponses          *bool           `json:"enableSimpleResponses,omitempty"`
	IdentitySource                 []string        `json:"identitySource,omitempty"`
	IdentityValidationExpression   string          `json:"identityValidationExpression,omitempty"`
	JWTConfiguration               json.RawMessage `json:"jwtConfiguration,omitempty"`
	Name                           string          `json:"name"`
}

// RouteSettings is the RouteSettings shape.
type RouteSettings struct {
	DataTraceEnabled       *bool    `json:"dataTraceEnabled,omitempty"`
	DetailedMetricsEnabled *bool    `json:"detailedMetricsEnabled,omitempty"`
	LoggingLevel           string   `json:"loggingLevel,omitempty"`
	ThrottlingBurstLimit   *int     `json:"throttlingBurstLimit,omitempty"`
	ThrottlingRateLimit    *float64 `json:"throttlingRateLimit,omitempty"`
}

// Stage is the Stage shape.
type Stage struct {
	AccessLogSettings           json.RawMessage          `json:"accessLogSettings,omitempty"`
	AutoDeploy                  bool                     `json:"autoDeploy"`
	ClientCertificateID         string                   `json:"clientCertificateId,omitempty"`
	CreatedDate                 string                   `json:"createdDate,omitempty"`
	DefaultRouteSettings        *RouteSettings           `json:"defaultRouteSettings,omitempty"`
	DeploymentID                string                   `json:"deploymentId,omitempty"`
	Description                 string                   `json:"description,omitempty"`
	LastDeploymentStatusMessage string                   `json:"lastDeploymentStatusMessage,omitempty"`
	LastUpdatedDate             string                   `json:"lastUpdatedDate,omitempty"`
	RouteSettings               map[string]RouteSettings `json:"routeSettings"`
	StageName                   string                   `json:"stageName"`
	StageVariables              map[string]string        `json:"stageVariables"`
	Tags                        map[string]string        `json:"tags"`

	installed bool // the Installer serves it (so RemoveAPI takes only ours down)
}

// Deployment is the Deployment shape; snap is what it deployed.
type Deployment struct {
	AutoDeployed            bool   `json:"autoDeployed"`
	CreatedDate             string `json:"createdDate,omitempty"`
	DeploymentID            string `json:"deploymentId"`
	DeploymentStatus        string `json:"deploymentStatus"`
	DeploymentStatusMessage string `json:"deploymentStatusMessage,omitempty"`
	Description             string `json:"description,omitempty"`

	snap *snapshot
}
