package lambdafn

import (
	"encoding/json"
	"fmt"
	"time"
)

// outcome is how one invocation of a command ended: its result body, or
// its error document and the FunctionError it carries. reset means the
// execution environment cannot serve another invocation.
type outcome struct {
	body  []byte
	fe    *FunctionError
	reset bool
}

// timedOut is Lambda's answer to an invocation that ran past the
// function's timeout; Lambda then resets the execution environment.
// The errorType and message are what Lambda answers today (observed;
// older answers had only errorMessage, prefixed by a timestamp); see
// docs/compatibility.md.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle
func timedOut(requestID string, timeout time.Duration) outcome {
	return failed(&FunctionError{
		Type:    "Sandbox.Timedout",
		Message: fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", requestID, timeout.Seconds()),
	})
}

// exited is Lambda's answer to an invocation whose runtime process ended
// before answering: Runtime.ExitError with the process's exit status as
// Go's os/exec words it ("exit status 3", "signal: killed"), which is the
// wording Lambda's own Go-written init reports.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle
func exited(requestID string, waitErr error) outcome {
	msg := fmt.Sprintf("RequestId: %s Error: Runtime exited without providing a reason", requestID)
	if waitErr != nil {
		msg = fmt.Sprintf("RequestId: %s Error: Runtime exited with error: %v", requestID, waitErr)
	}
	return failed(&FunctionError{Type: "Runtime.ExitError", Message: msg})
}

// tooLarge is Lambda's answer to a response over the 6 MB synchronous
// payload quota.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#function-configuration-deployment-and-execution
func tooLarge() outcome {
	return outcome{body: nil, fe: &FunctionError{
		Type:    "Function.ResponseSizeTooLarge",
		Message: fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", maxInvokeResult),
	}}
}

// failed is the outcome of an error iotemu reports itself, which always
// resets the environment.
func failed(fe *FunctionError) outcome {
	return outcome{fe: fe, reset: true}
}

// reported is the outcome of an error the runtime posted to /error or
// /init/error: the body is the error document ({"errorMessage",
// "errorType", "stackTrace"}) Lambda returns as the Invoke payload; the
// Lambda-Runtime-Function-Error-Type header names the type when the body
// does not.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-invokeerror
func reported(body []byte, errorType string) outcome {
	var fe FunctionError
	if json.Valid(body) {
		_ = json.Unmarshal(body, &fe) // any JSON; a non-object leaves fe empty
	}
	if fe.Type == "" {
		fe.Type = errorType
	}
	if !json.Valid(body) || fe.Message == "" && fe.Type == "" {
		if fe.Message == "" {
			fe.Message = string(body)
		}
		body = nil
	}
	return outcome{body: body, fe: &fe}
}

// document is the Invoke payload of an outcome's error: the runtime's
// own document, else one built from the FunctionError.
func (o outcome) document() []byte {
	if o.fe == nil || o.body != nil {
		return o.body
	}
	b, _ := json.Marshal(o.fe) // two strings always marshal
	return b
}
