// Package lambdafn runs Lambda functions for every part of iotemu. Its
// Registry holds in-process functions: Go handlers of the shapes
// aws-lambda-go's lambda.Start accepts, registered by function name and
// invoked by name or ARN with a JSON payload, as the Lambda Invoke API
// would. Its Invoker is the one component that decides how any function
// reference is invoked (in process when registered, else through the
// Lambda Invoke API at the caller's or the default endpoint), for the
// rules' Lambda action, API Gateway routes and authorizers, and custom
// authorizers alike; it holds the only implementation of the Invoke API's
// wire format.
//
// Emulated: name, full and partial ARN resolution (a version or alias
// qualifier is accepted and ignored), lambdacontext.LambdaContext in the
// handler's context, function errors as Lambda reports them
// ({"errorMessage","errorType"}, the type named as aws-lambda-go does),
// panics as errors. Not emulated: versions and aliases, concurrency limits,
// timeouts other than the caller's context, environment variables, layers.
package lambdafn
