package apigw

import (
	"context"
	"net/http"
	"sync"

	"github.com/iotemu/iotemu/lambdafn"
)

// LambdaInvokeAPI is an integration calling the Lambda Invoke API,
// POST {Endpoint}/2015-03-31/functions/{FunctionName}/invocations, such as
// the AWS Lambda Runtime Interface Emulator (FunctionName "function"),
// through a lambdafn.Invoker of its own (the one wire implementation).
// AWS: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_RequestSyntax;
// RIE quirks in https://docs.aws.amazon.com/lambda/latest/dg/images-test.html#images-test.
type LambdaInvokeAPI struct {
	Endpoint     string // e.g. "http://127.0.0.1:9000"
	FunctionName string
	Client       *http.Client // nil: http.DefaultClient
	// Concurrent allows overlapping invocations. By default they are
	// serialised, because the Runtime Interface Emulator runs one at a time.
	Concurrent bool

	once    sync.Once
	invoker *lambdafn.Invoker
}

// Invoke posts event and returns the function's result. A function error
// (X-Amz-Function-Error, or the RIE's error body on 200), a non-2xx status,
// an empty or non-JSON body (RIE timeouts answer plain text) are errors.
func (l *LambdaInvokeAPI) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	l.once.Do(func() {
		l.invoker = lambdafn.NewInvoker(lambdafn.InvokerConfig{Endpoint: l.Endpoint, HTTPClient: l.Client})
	})
	res, err := l.invoker.Invoke(ctx, lambdafn.Request{Function: l.FunctionName, Payload: event, Serial: !l.Concurrent})
	if err != nil {
		return nil, err
	}
	return res.Payload, nil
}
