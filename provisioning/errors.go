package provisioning

import (
	"errors"
	"fmt"
	"net/http"
)

// Code is the name of an AWS exception shape, sent over HTTP as the
// x-amzn-ErrorType header.
type Code string

// The exception shapes of the provisioning operations.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateProvisioningTemplate.html#API_CreateProvisioningTemplate_Errors
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_RegisterThing.html#API_RegisterThing_Errors
const (
	InvalidRequest              Code = "InvalidRequestException"
	ResourceNotFound            Code = "ResourceNotFoundException"
	ResourceAlreadyExists       Code = "ResourceAlreadyExistsException"
	VersionsLimitExceeded       Code = "VersionsLimitExceededException"
	DeleteConflict              Code = "DeleteConflictException"
	ConflictingResourceUpdate   Code = "ConflictingResourceUpdateException"
	ResourceRegistrationFailure Code = "ResourceRegistrationFailureException"
	Unauthorized                Code = "UnauthorizedException"
	InternalFailure             Code = "InternalFailureException"
)

// statuses are the httpStatusCode traits of botocore iot/2015-05-28
// service-2.json.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/CommonErrors.html#CommonErrors
var statuses = map[Code]int{
	InvalidRequest:              http.StatusBadRequest,
	ResourceNotFound:            http.StatusNotFound,
	ResourceAlreadyExists:       http.StatusConflict,
	VersionsLimitExceeded:       http.StatusConflict,
	DeleteConflict:              http.StatusConflict,
	ConflictingResourceUpdate:   http.StatusConflict,
	ResourceRegistrationFailure: http.StatusBadRequest,
	Unauthorized:                http.StatusUnauthorized,
	InternalFailure:             http.StatusInternalServerError,
}

// The errorCode values of the MQTT API's rejected documents. Only
// InvalidCertificateOwnershipToken has been observed from AWS; the others
// are UNCONFIRMED choices (docs/compatibility.md "Fleet provisioning").
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#register-thing-error-payload
const (
	MQTTInvalidToken      = "InvalidCertificateOwnershipToken"
	MQTTNotFound          = "ResourceNotFound"
	MQTTInvalidRequest    = "InvalidRequest"
	MQTTAccessDenied      = "AccessDenied"
	MQTTInvalidParameters = "InvalidParameters"
	MQTTInvalidCSR        = "InvalidCSR"
	MQTTInvalidPayload    = "InvalidPayload"
	MQTTRegistration      = "ResourceRegistrationFailure"
	MQTTInternal          = "InternalFailure"
)

// Error is a provisioning error: its HTTP exception shape, and the
// statusCode and errorCode of the MQTT API's rejected document.
type Error struct {
	// Code is the HTTP exception shape.
	Code Code
	// Message is the text of both forms.
	Message string
	// MQTTStatus and MQTTCode are the rejected document's statusCode
	// and errorCode; zero means the defaults of Code.
	MQTTStatus int
	MQTTCode   string
}

// Error returns the code and the message.
func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Status is the HTTP status of the error.
func (e *Error) Status() int {
	if s, ok := statuses[e.Code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Rejected is the MQTT API's rejected document.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#register-thing-error-payload
type Rejected struct {
	StatusCode   int    `json:"statusCode" cbor:"statusCode"`
	ErrorCode    string `json:"errorCode" cbor:"errorCode"`
	ErrorMessage string `json:"errorMessage" cbor:"errorMessage"`
}

// Rejected returns the error's MQTT rejected document.
func (e *Error) Rejected() Rejected {
	r := Rejected{StatusCode: e.MQTTStatus, ErrorCode: e.MQTTCode, ErrorMessage: e.Message}
	if r.StatusCode == 0 {
		r.StatusCode = e.Status()
	}
	if r.ErrorCode == "" {
		r.ErrorCode = defaultMQTTCodes[e.Code]
	}
	if r.ErrorCode == "" {
		r.ErrorCode = MQTTInternal
	}
	return r
}

var defaultMQTTCodes = map[Code]string{
	InvalidRequest:              MQTTInvalidRequest,
	ResourceNotFound:            MQTTNotFound,
	ResourceRegistrationFailure: MQTTRegistration,
	InternalFailure:             MQTTInternal,
}

// Is matches the sentinels: an *Error with the same code and an empty
// message matches any error of that code (and MQTT code, when set).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || t.Code != e.Code {
		return false
	}
	if t.MQTTCode != "" && t.MQTTCode != e.MQTTCode {
		return false
	}
	return t.Message == "" || t.Message == e.Message
}

func errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

// mqttErrorf is an error whose MQTT form is status and code.
func mqttErrorf(c Code, status int, mqttCode, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...), MQTTStatus: status, MQTTCode: mqttCode}
}

// templateError is an error of a template body (its JSON, a resource, an
// intrinsic function, a missing parameter): InvalidRequestException over
// HTTP, 400 InvalidParameters over MQTT (UNCONFIRMED).
func templateError(format string, args ...any) *Error {
	return mqttErrorf(InvalidRequest, http.StatusBadRequest, MQTTInvalidParameters, format, args...)
}

// AsError converts any error into the *Error sent to the client; an error
// that is not an AWS error becomes InternalFailureException.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: InternalFailure, Message: "Internal failure"}
}

// Sentinels for errors.Is.
var (
	// ErrInvalidRequest matches InvalidRequestException.
	ErrInvalidRequest = &Error{Code: InvalidRequest}
	// ErrNotFound matches ResourceNotFoundException.
	ErrNotFound = &Error{Code: ResourceNotFound}
	// ErrAlreadyExists matches ResourceAlreadyExistsException.
	ErrAlreadyExists = &Error{Code: ResourceAlreadyExists}
	// ErrAccessDenied matches a pre-provisioning hook's refusal.
	ErrAccessDenied = &Error{Code: InvalidRequest, MQTTCode: MQTTAccessDenied}
	// ErrInvalidToken matches a bad certificate ownership token.
	ErrInvalidToken = &Error{Code: InvalidRequest, MQTTCode: MQTTInvalidToken}
)

// ErrClosed is returned by every method after Close.
var ErrClosed = errors.New("provisioning: service closed")
