package customauth

import (
	"context"
	"time"
)

// Invoker runs a Lambda function synchronously: payload in, result out.
// function is the authorizer's authorizerFunctionArn (a name or an ARN).
type Invoker interface {
	Invoke(ctx context.Context, function string, payload []byte) ([]byte, error)
}

// Timeout bounds an authorizer function's run: "The Lambda function of
// custom authorizers has a timeout limit of 5 seconds".
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/config-custom-auth.html#config-custom-auth
const Timeout = 5 * time.Second
