package testkit

import "github.com/iotemu/iotemu/lambdafn"

// WithFunctionCommand runs a Lambda function as the user's own executable
// (a compiled aws-lambda-go bootstrap, or any program speaking the Lambda
// Runtime API) for every caller: rules' Lambda actions, WebSocket routes
// and authorizers, custom authorizers. Its processes stop with the
// emulator.
func WithFunctionCommand(cmd lambdafn.Command) Option {
	return func(s *settings) { s.config.Lambda.Commands = append(s.config.Lambda.Commands, cmd) }
}

// WithLambdaEndpoint sends the function's invocations, when it is not
// registered in process, to the Lambda Invoke API at url (the AWS Lambda
// Runtime Interface Emulator, MiniStack, LocalStack), with the bare
// function name in the path.
func WithLambdaEndpoint(function, url string) Option {
	return func(s *settings) {
		if s.config.Lambda.Endpoints == nil {
			s.config.Lambda.Endpoints = map[string]string{}
		}
		s.config.Lambda.Endpoints[function] = url
	}
}
