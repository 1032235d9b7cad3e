// Package apigw emulates Amazon API Gateway WebSocket APIs and their
// @connections management API, offline, for tests and local development:
// browsers and backends written for AWS run against it unchanged.
//
// Emulated:
//   - WebSocket APIs at ws://host:port/{stage}: route selection expressions
//     ($request.body.<path>, ${…} with static text), $connect, $disconnect,
//     $default and custom routes; the Forbidden and Internal server error
//     frames byte for byte; two-way routes (a $default route response).
//   - $connect deciding the handshake from the integration's status code;
//     Sec-WebSocket-Protocol only when the integration returns it.
//   - Lambda REQUEST authorizers on $connect: identity sources (401 without
//     a call), "Unauthorized" (401), policies (403), failures (500), and the
//     principalId and context in requestContext.authorizer of every event.
//   - Lambda-proxy events for CONNECT, MESSAGE and DISCONNECT in AWS's 2024
//     shape (aws-lambda-go's events.APIGatewayWebsocketProxyRequest).
//   - Integrations: in-process aws-lambda-go handlers (LambdaHandler), named
//     functions run by a FunctionInvoker (Function), the Lambda Invoke API
//     (LambdaInvokeAPI), HTTP proxy (HTTPProxy) and Mock.
//   - The @connections API (PostToConnection, GetConnection,
//     DeleteConnection) in AWS's restJson1 wire format, for the AWS SDKs
//     and CLI, and the same operations as Go methods.
//   - Limits: 128 KB messages and 32 KB frames (close 1009), binary frames
//     (close 1003), 10 min idle and 2 h duration (close 1001), 29 s
//     integration timeout; all configurable.
//   - Redeployment: PutAPI replaces a stage's API while connections stay
//     open, RemoveAPI takes a stage down (the apigatewayv2 control plane,
//     internal/apigwv2, installs its deployed stages this way); stage
//     variables reach events as stageVariables.
//
// Not emulated: IAM (SigV4) authorization and API keys, request models and
// validation, mapping templates and non-proxy integrations, custom
// domains, throttling of new connections. Compat names each deliberate or unconfirmed choice.
//
// Concurrency: Server.mu guards the API and connection tables and the
// lifecycle; conn.mu guards one connection's close state and its send
// queue. Server.mu is never held while taking conn.mu, nor the reverse.
package apigw
