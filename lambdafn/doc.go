// Package lambdafn is an in-process registry of Lambda functions: Go
// handlers of the shapes aws-lambda-go's lambda.Start accepts, registered
// by function name and invoked by name or ARN with a JSON payload, as the
// Lambda Invoke API would. The emulator's API Gateway integrations and the
// rules engine's Lambda action share one Registry, so that a function
// registered once serves both.
//
// Emulated: name, full and partial ARN resolution (a version or alias
// qualifier is accepted and ignored), lambdacontext.LambdaContext in the
// handler's context, function errors as Lambda reports them
// ({"errorMessage","errorType"}, the type named as aws-lambda-go does),
// panics as errors. Not emulated: versions and aliases, concurrency limits,
// timeouts other than the caller's context, environment variables, layers.
package lambdafn
