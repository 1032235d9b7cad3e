package apigw

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/iotemu/iotemu/internal/awsid"
	"github.com/iotemu/iotemu/lambdafn"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// LambdaHandler returns an integration running handler in process: any
// function lambda.Start accepts, such as
// func(context.Context, events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error).
// The handler's context carries a lambdacontext.LambdaContext. A handler
// error or panic is an integration failure.
func LambdaHandler(handler any) Integration {
	h := lambda.NewHandler(handler)
	return IntegrationFunc(func(ctx context.Context, event []byte) (out []byte, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("lambda handler panicked: %v", p)
			}
		}()
		ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: awsid.NewUUID()})
		out, err = h.Invoke(ctx, event)
		if err != nil {
			return nil, &FunctionError{Type: errorType(err), Message: err.Error()}
		}
		return out, nil
	})
}

// FunctionError is a Lambda function's error result,
// {"errorMessage":…,"errorType":…}.
type FunctionError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("function error %s: %s", e.Type, e.Message)
}

// errorType names an error as aws-lambda-go's runtime does: its type's name.
// AWS: aws-lambda-go lambda/errors.go getErrorType.
func errorType(err error) string {
	t := reflect.TypeOf(err)
	if t.Kind() == reflect.Pointer {
		return t.Elem().Name()
	}
	return t.Name()
}

// FunctionInvoker runs Lambda functions by name or ARN: the emulator's one
// lambdafn.Invoker (in process, else the Lambda Invoke API);
// Config.Functions.
type FunctionInvoker interface {
	Invoke(ctx context.Context, req lambdafn.Request) (lambdafn.Response, error)
}

var _ FunctionInvoker = (*lambdafn.Invoker)(nil)

// ErrNoFunctions reports a Function integration on a Server whose
// Config.Functions is nil.
var ErrNoFunctions = errors.New("no function invoker configured")

// Function is an integration with the Lambda function of that name or ARN,
// run by the Server's Config.Functions.
type Function string

// Invoke fails: a Server binds Function integrations to its
// Config.Functions when the API is added.
func (f Function) Invoke(context.Context, []byte) ([]byte, error) {
	return nil, fmt.Errorf("function %s: %w", string(f), ErrNoFunctions)
}

// FunctionAt is a Function whose Lambda Invoke API, when it is not
// registered in process, is Endpoint rather than the invoker's default.
// Invocations are serialised, as the Runtime Interface Emulator requires.
type FunctionAt struct {
	Name, Endpoint string
}

// Invoke fails like Function's: a Server binds it when the API is added.
func (f FunctionAt) Invoke(context.Context, []byte) ([]byte, error) {
	return nil, fmt.Errorf("function %s: %w", f.Name, ErrNoFunctions)
}

// boundFunction is a Function bound to an invoker.
type boundFunction struct {
	req lambdafn.Request
	fns FunctionInvoker
}

func (b boundFunction) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	if b.fns == nil {
		return nil, fmt.Errorf("function %s: %w", b.req.Function, ErrNoFunctions)
	}
	req := b.req
	req.Payload = event
	res, err := b.fns.Invoke(ctx, req)
	if err != nil {
		return nil, err
	}
	return res.Payload, nil
}

// bind replaces a Function or FunctionAt with one bound to fns.
func bind(in Integration, fns FunctionInvoker) Integration {
	switch f := in.(type) {
	case Function:
		return boundFunction{req: lambdafn.Request{Function: string(f)}, fns: fns}
	case FunctionAt:
		return boundFunction{req: lambdafn.Request{Function: f.Name, Endpoint: f.Endpoint, Serial: true}, fns: fns}
	}
	return in
}

// ErrorType returns the function error's errorType.
func (e *FunctionError) ErrorType() string { return e.Type }

// ErrorMessage returns the function error's errorMessage.
func (e *FunctionError) ErrorMessage() string { return e.Message }

// lambdaError is how a FunctionInvoker's function errors are recognised:
// any error with the errorType and errorMessage of Lambda's error result.
type lambdaError interface {
	error
	ErrorType() string
	ErrorMessage() string
}

// asFunctionError finds a function error in err's chain.
func asFunctionError(err error) (*FunctionError, bool) {
	var le lambdaError
	if !errors.As(err, &le) {
		return nil, false
	}
	return &FunctionError{Type: le.ErrorType(), Message: le.ErrorMessage()}, true
}
