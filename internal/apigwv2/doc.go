// Package apigwv2 is the Amazon API Gateway v2 (apigatewayv2) control
// plane for WebSocket APIs: an in-memory store of APIs, routes, route
// responses, integrations, integration responses, authorizers, stages,
// deployments and tags, served in AWS's restJson1 wire format at the
// model's /v2/… paths, so that the AWS SDKs, the AWS CLI and Terraform
// declare WebSocket APIs against the emulator as they do against AWS.
//
// What a stage serves is exactly what the store holds: when a stage gets a
// deployment (CreateDeployment with a stage, CreateStage or UpdateStage
// with a deploymentId, or any change of the API under an autoDeploy
// stage), the deployment's snapshot is translated into an apigw.API and
// installed on the API Gateway mimic through Installer (apigw.Server's
// PutAPI and RemoveAPI). HTTP APIs are stored, not served.
//
// docs/compatibility.md lists each choice where AWS's behaviour is
// unconfirmed or not emulated.
//
// Concurrency: Service.mu guards the whole store and is held while calling
// the Installer; the Installer never calls back into the Service.
package apigwv2
