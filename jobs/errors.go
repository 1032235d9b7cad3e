package jobs

import (
	"errors"
	"fmt"
	"net/http"
)

// Code is the name of an AWS exception shape, sent over HTTP as the
// x-amzn-ErrorType header.
type Code string

// The exception shapes of the iot (control plane) and iot-jobs-data (device
// plane) Jobs operations.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#API_CreateJob_Errors
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iot-jobs-data_UpdateJobExecution.html#API_iot-jobs-data_UpdateJobExecution_Errors
const (
	InvalidRequest         Code = "InvalidRequestException"
	ResourceNotFound       Code = "ResourceNotFoundException"
	ResourceAlreadyExists  Code = "ResourceAlreadyExistsException"
	Conflict               Code = "ConflictException"
	VersionConflict        Code = "VersionConflictException"
	InvalidStateTransition Code = "InvalidStateTransitionException"
	TerminalState          Code = "TerminalStateException"
	LimitExceeded          Code = "LimitExceededException"
	Throttling             Code = "ThrottlingException"
	ServiceUnavailable     Code = "ServiceUnavailableException"
	InternalFailure        Code = "InternalFailureException"
	CertificateValidation  Code = "CertificateValidationException"
)

// statuses is the one table of HTTP statuses, copied from the httpStatusCode
// traits of botocore iot/2015-05-28 and iot-jobs-data/2017-09-29
// service-2.json (LimitExceededException is 410 and TerminalStateException
// 410; ThrottlingException is 400 in iot and 429 in iot-jobs-data, the
// control-plane value is used).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/CommonErrors.html#CommonErrors
var statuses = map[Code]int{
	InvalidRequest:         http.StatusBadRequest,
	ResourceNotFound:       http.StatusNotFound,
	ResourceAlreadyExists:  http.StatusConflict,
	Conflict:               http.StatusConflict,
	VersionConflict:        http.StatusConflict,
	InvalidStateTransition: http.StatusConflict,
	TerminalState:          http.StatusGone,
	LimitExceeded:          http.StatusGone,
	Throttling:             http.StatusBadRequest,
	ServiceUnavailable:     http.StatusServiceUnavailable,
	InternalFailure:        http.StatusInternalServerError,
	CertificateValidation:  http.StatusBadRequest,
}

// Status is the HTTP status AWS answers the code with.
func (c Code) Status() int {
	if s, ok := statuses[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// RejectedCode is the "code" of an MQTT /rejected document.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-api.html#jobs-mqtt-error-response
type RejectedCode string

// The MQTT Jobs error codes.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-api.html#jobs-mqtt-error-response
const (
	RejectedInvalidTopic           RejectedCode = "InvalidTopic"
	RejectedInvalidJSON            RejectedCode = "InvalidJson"
	RejectedInvalidRequest         RejectedCode = "InvalidRequest"
	RejectedInvalidStateTransition RejectedCode = "InvalidStateTransition"
	RejectedResourceNotFound       RejectedCode = "ResourceNotFound"
	RejectedVersionMismatch        RejectedCode = "VersionMismatch"
	RejectedInternalError          RejectedCode = "InternalError"
	RejectedRequestThrottled       RejectedCode = "RequestThrottled"
	RejectedTerminalStateReached   RejectedCode = "TerminalStateReached"
)

// Error is an AWS Jobs error: the exception shape (HTTP), the MQTT rejected
// code, the message, and for InvalidStateTransition and VersionMismatch the
// execution state AWS puts in the MQTT rejected document.
type Error struct {
	// Code is the HTTP exception shape.
	Code Code
	// MQTT is the MQTT rejected code; empty means the default for Code.
	MQTT RejectedCode
	// Message is the human-readable text.
	Message string
	// State is the execution state of a VersionMismatch or
	// InvalidStateTransition rejection, else nil.
	State *ExecutionState
}

// Error returns the code and the message.
func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Status is the HTTP status of the error.
func (e *Error) Status() int { return e.Code.Status() }

// ErrorType is the x-amzn-ErrorType value of the error.
func (e *Error) ErrorType() string { return string(e.Code) }

// RejectedCode is the MQTT "code" of the error.
func (e *Error) RejectedCode() RejectedCode {
	if e.MQTT != "" {
		return e.MQTT
	}
	return mqttCodes[e.Code]
}

// mqttCodes maps HTTP exception shapes to MQTT codes.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-api.html#jobs-mqtt-error-response
var mqttCodes = map[Code]RejectedCode{
	InvalidRequest:         RejectedInvalidRequest,
	ResourceNotFound:       RejectedResourceNotFound,
	InvalidStateTransition: RejectedInvalidStateTransition,
	VersionConflict:        RejectedVersionMismatch,
	TerminalState:          RejectedTerminalStateReached,
	Throttling:             RejectedRequestThrottled,
	ServiceUnavailable:     RejectedInternalError,
	InternalFailure:        RejectedInternalError,
	LimitExceeded:          RejectedInvalidRequest,
	Conflict:               RejectedInvalidRequest,
	ResourceAlreadyExists:  RejectedInvalidRequest,
	CertificateValidation:  RejectedInvalidRequest,
}

// Is matches the sentinels below: an *Error with the same code and an empty
// message matches any error of that code (and MQTT code, when set).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || t.Code != e.Code {
		return false
	}
	if t.MQTT != "" && t.MQTT != e.RejectedCode() {
		return false
	}
	return t.Message == "" || t.Message == e.Message
}

// errorf returns an *Error of code c.
func errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

// AsError converts any error of this package into the *Error sent to the
// client; an error that is not an AWS error (a failing Targets or
// DocumentFetcher, say) becomes InternalFailureException.
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
	// ErrConflict matches ConflictException (duplicate job template).
	ErrConflict = &Error{Code: Conflict}
	// ErrVersionConflict matches VersionConflictException.
	ErrVersionConflict = &Error{Code: VersionConflict}
	// ErrInvalidStateTransition matches InvalidStateTransitionException.
	ErrInvalidStateTransition = &Error{Code: InvalidStateTransition}
	// ErrVersionMismatch matches an MQTT VersionMismatch rejection.
	ErrVersionMismatch = &Error{Code: InvalidStateTransition, MQTT: RejectedVersionMismatch}
	// ErrTerminalState matches TerminalStateException.
	ErrTerminalState = &Error{Code: TerminalState}
	// ErrLimitExceeded matches LimitExceededException.
	ErrLimitExceeded = &Error{Code: LimitExceeded}
	// ErrInternal matches InternalFailureException.
	ErrInternal = &Error{Code: InternalFailure}
)

// ErrGroupNotFound is what a Targets implementation wraps when a thing
// group does not exist; CreateJob then answers ResourceNotFoundException.
var ErrGroupNotFound = errors.New("thing group not found")

// ErrClosed is returned by every method after Close.
var ErrClosed = errors.New("jobs: service closed")
