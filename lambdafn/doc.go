// Package lambdafn runs Lambda functions for every part of iotemu.
//
// Its Registry holds in-process functions: Go handlers of the shapes
// aws-lambda-go's lambda.Start accepts, registered by function name and
// invoked by name or ARN with a JSON payload, as the Lambda Invoke API
// would.
//
// Its Commands run functions as commands: the user's own Lambda
// executable (a compiled aws-lambda-go bootstrap, or any program speaking
// the Lambda Runtime API), one process per execution environment, each
// started with AWS_LAMBDA_RUNTIME_API pointing at a Runtime API that
// Commands serves on a loopback port of its own, with Lambda's environment
// variables, the handler and the function's own variables. A process runs
// one invocation at a time; concurrent invocations start more, up to the
// function's MaxConcurrency, and idle ones are reused. An invocation past
// the timeout is answered Sandbox.Timedout, one whose process exits
// Runtime.ExitError, and the process is replaced. Commands.Close stops
// every process.
//
// Its Invoker is the one component that decides how any function
// reference is invoked (in process, else as a command, else through the
// Lambda Invoke API at the request's, the function's or the default
// endpoint), for the rules' Lambda action, API Gateway routes and
// authorizers, and custom authorizers alike; it holds the only
// implementation of the Invoke API's wire format.
//
// Emulated: name, full and partial ARN resolution (a version or alias
// qualifier is accepted and ignored), lambdacontext.LambdaContext in the
// handler's context, function errors as Lambda reports them
// ({"errorMessage","errorType"}, the type named as aws-lambda-go does),
// panics as errors; for commands the Runtime API (next, response, error,
// init error), timeouts, crashes, the Init phase's 10 s limit, concurrency
// per function. Not emulated: versions and aliases, the account's
// concurrency quota, memory limits, extensions and the Telemetry API,
// layers, response streaming.
package lambdafn
