package apigw

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Error is an error of the @connections management API: the HTTP status and
// the AWS error code (x-amzn-ErrorType) it is answered with. The Go methods
// of Server return the same values, so errors.Is(err, ErrGone) works for
// both. AWS: apigatewaymanagementapi service-2.json (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html#apigateway-how-to-call-websocket-api-connections).
type Error struct {
	Status  int    // HTTP status
	Code    string // e.g. "GoneException"
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Is matches errors with the same code, so that a wrapped or re-worded
// Error still matches its sentinel.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

// The management API's errors, one per row of AWS's model.
var (
	// ErrGone reports a connection that does not exist, has closed, or is
	// still in its $connect. AWS: knowledge-center/410-gone-api-gateway.
	ErrGone = &Error{Status: http.StatusGone, Code: "GoneException", Message: "The connection with the provided id no longer exists."}
	// ErrPayloadTooLarge reports PostToConnection data over 128 KB.
	ErrPayloadTooLarge = &Error{Status: http.StatusRequestEntityTooLarge, Code: "PayloadTooLargeException", Message: "The data has exceeded the maximum size allowed."}
	// ErrLimitExceeded reports a connection whose send queue is full ("the
	// WebSocket client side buffer is full").
	ErrLimitExceeded = &Error{Status: http.StatusTooManyRequests, Code: "LimitExceededException", Message: "The client is sending more than the allowed number of requests per unit of time or the WebSocket client side buffer is full."}
	// ErrForbidden reports a request to no known operation or API.
	ErrForbidden = &Error{Status: http.StatusForbidden, Code: "ForbiddenException", Message: "Missing Authentication Token"}
)

// errorBody is the restJson1 error body: both __type and message, never a
// null message (an aws-sdk-go-v2 version panics on it). AWS:
// docs/compatibility.md "API Gateway WebSocket mimic".
type errorBody struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

// writeError is the one place where management errors become HTTP.
func writeError(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Status: http.StatusInternalServerError, Code: "InternalServerErrorException", Message: err.Error()}
	}
	body, _ := json.Marshal(errorBody{Type: e.Code, Message: e.Message}) // strings only: cannot fail
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.WriteHeader(e.Status)
	_, _ = w.Write(body) // the caller went away; nothing to report it to
}
