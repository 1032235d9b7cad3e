// Package awsrest writes AWS restJson1 responses the way AWS IoT's HTTPS
// endpoints do: a request ID on every response, and errors as a status, an
// x-amzn-ErrorType header and a {"message","traceId"} body.
package awsrest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
)

// Error shape names of the iot-data model, used as x-amzn-ErrorType.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_Operations_AWS_IoT_Data_Plane.html#API_Operations_AWS_IoT_Data_Plane
// (each operation's Errors section).
const (
	InvalidRequest        = "InvalidRequestException"
	ResourceNotFound      = "ResourceNotFoundException"
	MethodNotAllowed      = "MethodNotAllowedException"
	RequestEntityTooLarge = "RequestEntityTooLargeException"
	Unauthorized          = "UnauthorizedException"
	Forbidden             = "ForbiddenException"
	Throttling            = "ThrottlingException"
	Conflict              = "ConflictException"
	UnsupportedEncoding   = "UnsupportedDocumentEncodingException"
	InternalFailure       = "InternalFailureException"
	ServiceUnavailable    = "ServiceUnavailableException"
	GatewayTimeout        = "GatewayTimeoutException"
	// NotImplemented answers an AWS operation that iotemu does not emulate;
	// it is iotemu's own shape (docs/compatibility.md "Operations iotemu
	// does not emulate").
	NotImplemented = "NotImplementedException"
)

// Error is an AWS API error: the HTTP status, the modelled shape name and
// the message. It is the one value every handler returns for a failure.
type Error struct {
	Status  int
	Type    string
	Message string
	// Members are the error shape's members besides message, sent in the
	// body: resourceId and resourceArn of ResourceAlreadyExistsException.
	Members map[string]string
}

func (e *Error) Error() string { return fmt.Sprintf("%s (%d): %s", e.Type, e.Status, e.Message) }

// Errorf builds an Error with a formatted message. A string argument over
// maxEchoBytes (a client's name or value echoed back) is truncated, so that
// a 100,000-character name does not come back whole (issue 13).
func Errorf(status int, typ, format string, args ...any) *Error {
	for i, a := range args {
		if s, ok := a.(string); ok && len(s) > maxEchoBytes {
			args[i] = s[:maxEchoBytes] + "..."
		}
	}
	return &Error{Status: status, Type: typ, Message: fmt.Sprintf(format, args...)}
}

// maxEchoBytes bounds a value echoed in an error message; maxMessageBytes
// bounds a whole message, however it was built. AWS's own bound is
// undocumented (docs/compatibility.md "Isolation").
const (
	maxEchoBytes    = 256
	maxMessageBytes = 2048
)

// NewRequestID returns a random UUID (version 4), the form of AWS's
// x-amzn-RequestId and traceId values.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error (Go 1.24+).
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// WriteError writes err in AWS's error wire format. The header value carries
// a trailing colon, as AWS sends it; botocore and the Go SDK both strip it.
// The format is the one observed from IoT endpoints (docs/compatibility.md
// "iot-data HTTP API", "Error messages").
func WriteError(w http.ResponseWriter, requestID string, err *Error) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-RequestId", requestID)
	h.Set("x-amzn-ErrorType", err.Type+":")
	if len(err.Message) > maxMessageBytes {
		e := *err
		e.Message = e.Message[:maxMessageBytes] + "..."
		err = &e
	}
	body := errorBody(err, requestID)
	w.WriteHeader(err.Status)
	_, _ = w.Write(body) // the client went away; nothing to report it to
}

// WriteJSON writes a 200 response with v encoded as JSON, without the
// trailing newline json.Encoder would add (AWS sends none).
func WriteJSON(w http.ResponseWriter, requestID string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		WriteError(w, requestID, Errorf(http.StatusInternalServerError, InternalFailure, "encode response: %v", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-RequestId", requestID)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body) // the client went away; nothing to report it to
}
