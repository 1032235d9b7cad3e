package shadow

import (
	"errors"
	"net/http"
	"strings"
)

// Error is an AWS Device Shadow service error: the HTTP status code (which
// is also the MQTT "code" of a /rejected document) and the exact message
// text AWS sends.
//
// AWS: device-shadow-error-messages.html (D-ERR). The status code is the
// same on both transports (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-error-messages.html#device-shadow-error-messages).
type Error struct {
	// Code is the HTTP status code and the MQTT rejected "code".
	Code int
	// Message is the AWS message text.
	Message string
}

// Error returns the AWS message prefixed by its code.
func (e *Error) Error() string {
	return "shadow: " + http.StatusText(e.Code) + ": " + e.Message
}

// Is reports whether target is an *Error with the same code whose message
// equals e's message or is the fixed prefix of e's message (the sentinels of
// messages that carry a name, such as ErrShadowNotFound, match every
// instance: "No shadow exists with name" matches
// "No shadow exists with name: 'thing1'").
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) || t.Code != e.Code {
		return false
	}
	return e.Message == t.Message || strings.HasPrefix(e.Message, t.Message+": ")
}

// HTTPStatus returns the HTTP status code of the iot-data error response.
func (e *Error) HTTPStatus() int { return e.Code }

// ErrorType returns the iot-data exception shape name for the error, as
// SDKs expect it in the x-amzn-ErrorType header or the __type body member.
//
// AWS: botocore iot-data/2015-05-28/service-2.json error shapes (https://docs.aws.amazon.com/iot/latest/developerguide/http.html#http).
func (e *Error) ErrorType() string {
	if name, ok := errorTypes[e.Code]; ok {
		return name
	}
	if e.Code >= 500 {
		return "InternalFailureException"
	}
	return "InvalidRequestException"
}

// errorTypes maps status codes to the iot-data exception names.
var errorTypes = map[int]string{
	http.StatusBadRequest:            "InvalidRequestException",
	http.StatusUnauthorized:          "UnauthorizedException",
	http.StatusForbidden:             "ForbiddenException",
	http.StatusNotFound:              "ResourceNotFoundException",
	http.StatusMethodNotAllowed:      "MethodNotAllowedException",
	http.StatusConflict:              "ConflictException",
	http.StatusRequestEntityTooLarge: "RequestEntityTooLargeException",
	http.StatusUnsupportedMediaType:  "UnsupportedDocumentEncodingException",
	http.StatusTooManyRequests:       "ThrottlingException",
	http.StatusInternalServerError:   "InternalFailureException",
	http.StatusServiceUnavailable:    "ServiceUnavailableException",
	http.StatusGatewayTimeout:        "GatewayTimeoutException",
}

// AsError converts any error returned by this package into the *Error that
// must be sent to the client. Errors that are not AWS shadow errors (for
// example a failing Store) become ErrInternal, as AWS answers 500
// "Internal service failure".
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return ErrInternal
}

// The AWS error table. Codes and texts are D-ERR
// (device-shadow-error-messages.html) unless a comment says otherwise;
// https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-error-messages.html#device-shadow-error-messages gives the evidence per row.
var (
	// ErrInvalidJSON is returned when the payload is not parseable JSON.
	// AWS: device-shadow-error-messages.html ("Invalid JSON").
	ErrInvalidJSON = &Error{Code: 400, Message: "Invalid JSON"}

	// ErrEmptyPayload is returned for an update with an empty payload.
	// AWS: observed REST answer to a POST shadow update without a body
	// (aws/aws-sdk-java-v2#3694, https://docs.aws.amazon.com/iot/latest/developerguide/http.html#http).
	ErrEmptyPayload = &Error{Code: 400, Message: "Payload contains invalid json"}

	// ErrMissingState is returned when an update has no "state" member.
	// AWS: device-shadow-error-messages.html.
	ErrMissingState = &Error{Code: 400, Message: "Missing required node: state"}

	// ErrStateNotObject is returned when "state" is neither an object nor null.
	// AWS: device-shadow-error-messages.html.
	ErrStateNotObject = &Error{Code: 400, Message: "State node must be an object"}

	// ErrDesiredNotObject is returned when "desired" is neither an object nor null.
	// AWS: device-shadow-error-messages.html.
	ErrDesiredNotObject = &Error{Code: 400, Message: "Desired node must be an object"}

	// ErrReportedNotObject is returned when "reported" is neither an object nor null.
	// AWS: device-shadow-error-messages.html.
	ErrReportedNotObject = &Error{Code: 400, Message: "Reported node must be an object"}

	// ErrInvalidVersion is returned when "version" is not an integer.
	// AWS: device-shadow-error-messages.html (trigger inferred, https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-error-messages.html#device-shadow-error-messages).
	ErrInvalidVersion = &Error{Code: 400, Message: "Invalid version"}

	// ErrInvalidClientToken is returned when "clientToken" is longer than
	// Limits.MaxClientTokenBytes or is not a string.
	// AWS: device-shadow-document.html#client-token, device-shadow-error-messages.html.
	ErrInvalidClientToken = &Error{Code: 400, Message: "Invalid clientToken"}

	// ErrTooDeep is returned when desired or reported nests deeper than
	// Limits.MaxDepth. The message names the AWS maximum (6); with a
	// non-default limit the message names the configured one.
	// AWS: device-shadow-error-messages.html.
	ErrTooDeep = &Error{Code: 400, Message: "JSON contains too many levels of nesting; maximum is 6"}

	// ErrInvalidStateNode is the family of errors for a member of "state"
	// other than desired and reported; instances carry ": '<key>'".
	// AWS: IoT Core text quoted in aws-greengrass-shadow-manager PR #178.
	ErrInvalidStateNode = &Error{Code: 400, Message: "State contains an invalid node"}

	// ErrNullInArray is returned when an array in the request contains null.
	// AWS: device-shadow-document.html#device-shadow-arrays ("Arrays can't
	// have null values"); the AWS message text is unknown, iotemu uses
	// "Invalid JSON".
	ErrNullInArray = &Error{Code: 400, Message: "Invalid JSON"}

	// ErrValidation is the family of request-parameter validation errors
	// (thing name, shadow name, page size, next token); instances carry
	// the AWS (Coral) validation text after ": ".
	// AWS: iot-data API constraints (botocore service-2.json); text inferred.
	ErrValidation = &Error{Code: 400, Message: "1 validation error detected"}

	// ErrUnauthorized is the 401 error (not produced by this package; for
	// the emulator's authorizer).
	// AWS: device-shadow-error-messages.html.
	ErrUnauthorized = &Error{Code: 401, Message: "Unauthorized"}

	// ErrForbidden is the 403 error (not produced by this package).
	// AWS: device-shadow-error-messages.html.
	ErrForbidden = &Error{Code: 403, Message: "Forbidden"}

	// ErrThingNotFound is the documented 404 "Thing not found". AWS does not
	// require a registered thing (https://docs.aws.amazon.com/iot/latest/developerguide/iot-device-shadows.html#iot-device-shadows), so this package never
	// returns it; it exists for composition roots that model a registry.
	// AWS: device-shadow-error-messages.html.
	ErrThingNotFound = &Error{Code: 404, Message: "Thing not found"}

	// ErrShadowNotFound is the family of 404 errors for a get or delete of
	// a shadow that does not exist; instances carry ": '<name>'".
	// AWS: device-shadow-error-messages.html, observed with single quotes
	// (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-error-messages.html#device-shadow-error-messages).
	ErrShadowNotFound = &Error{Code: 404, Message: "No shadow exists with name"}

	// ErrMethodNotAllowed is the 405 error for an unsupported verb and URI
	// (for the emulator's HTTP mux).
	// AWS: botocore iot-data MethodNotAllowedException.
	ErrMethodNotAllowed = &Error{Code: 405, Message: "The specified combination of HTTP verb and URI is not supported."}

	// ErrVersionConflict is returned when the request "version" differs from
	// the current version.
	// AWS: device-shadow-data-flow.html#optimistic-locking (D-FLOW), moto VER.
	ErrVersionConflict = &Error{Code: 409, Message: "Version conflict"}

	// ErrPayloadTooLarge is returned when the merged state exceeds
	// Limits.MaxStateBytes or the request exceeds Limits.MaxPayloadBytes.
	// AWS: device-shadow-error-messages.html, device-shadow-document.html.
	ErrPayloadTooLarge = &Error{Code: 413, Message: "The payload exceeds the maximum size allowed"}

	// ErrUnsupportedEncoding is returned when the payload is not UTF-8
	// ("documented" is AWS's spelling).
	// AWS: device-shadow-error-messages.html.
	ErrUnsupportedEncoding = &Error{Code: 415, Message: "Unsupported documented encoding; supported encoding is UTF-8"}

	// ErrThrottled is the 429 error (not produced by this package: in-flight
	// and rate limits are not modelled). The AWS text is unknown.
	// AWS: device-shadow-error-messages.html.
	ErrThrottled = &Error{Code: 429, Message: "Too Many Requests"}

	// ErrInternal is the 500 error, also used for Store failures.
	// AWS: device-shadow-error-messages.html.
	ErrInternal = &Error{Code: 500, Message: "Internal service failure"}

	// ErrServiceUnavailable is the 503 error (not produced by this package).
	// AWS: botocore iot-data ServiceUnavailableException.
	ErrServiceUnavailable = &Error{Code: 503, Message: "Service Unavailable"}
)

// withDetail returns an instance of a family sentinel with ": detail" appended.
func withDetail(family *Error, detail string) *Error {
	return &Error{Code: family.Code, Message: family.Message + ": " + detail}
}

// rejectedDocument is the MQTT */rejected payload.
// AWS: device-shadow-document.html#device-shadow-example-error-json.
type rejectedDocument struct {
	Code        int    `json:"code"`
	Message     string `json:"message"`
	Timestamp   int64  `json:"timestamp,omitempty"`
	ClientToken string `json:"clientToken,omitempty"`
}

// rejectedPayload is the one mapping from an error to an MQTT /rejected
// document. timestamp is included only for the codes listed in
// Compat.ErrorTimestampCodes (observed 404 and 409 documents have none,
// https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#device-shadow-example-error-json).
func (s *Service) rejectedPayload(err error, clientToken string, now int64) []byte {
	e := AsError(err)
	doc := rejectedDocument{Code: e.Code, Message: e.Message, ClientToken: clientToken}
	for _, c := range s.cfg.Compat.ErrorTimestampCodes {
		if c == e.Code {
			doc.Timestamp = now
		}
	}
	b, mErr := encodeJSON(doc)
	if mErr != nil {
		// Unreachable: the document has only strings and integers.
		return []byte(`{"code":500,"message":"Internal service failure"}`)
	}
	return b
}
