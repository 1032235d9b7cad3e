package registry

import (
	"fmt"
	"net/http"
)

// Code is the name of an AWS IoT exception shape, sent as x-amzn-ErrorType.
type Code string

// The exception shapes of the registry operations.
// AWS: iot/2015-05-28/service-2.json (error shapes and httpStatusCode);
// aws-sdk-go-v2 service/iot types/errors.go (ErrorCode of each type).
const (
	InvalidRequest         Code = "InvalidRequestException"
	ResourceNotFound       Code = "ResourceNotFoundException"
	ResourceAlreadyExists  Code = "ResourceAlreadyExistsException"
	VersionConflict        Code = "VersionConflictException"
	DeleteConflict         Code = "DeleteConflictException"
	CertificateState       Code = "CertificateStateException"
	CertificateValidation  Code = "CertificateValidationException"
	CertificateConflict    Code = "CertificateConflictException"
	VersionsLimitExceeded  Code = "VersionsLimitExceededException"
	MalformedPolicy        Code = "MalformedPolicyException"
	LimitExceeded          Code = "LimitExceededException"
	Unauthorized           Code = "UnauthorizedException"
	Throttling             Code = "ThrottlingException"
	ServiceUnavailable     Code = "ServiceUnavailableException"
	InternalFailure        Code = "InternalFailureException"
	InvalidStateTransition Code = "InvalidStateTransitionException"
)

// statuses is the one table of HTTP statuses, copied from the model's
// httpStatusCode traits (ThrottlingException is 400 in the iot model, and
// LimitExceededException 410).
var statuses = map[Code]int{
	InvalidRequest:         http.StatusBadRequest,
	ResourceNotFound:       http.StatusNotFound,
	ResourceAlreadyExists:  http.StatusConflict,
	VersionConflict:        http.StatusConflict,
	DeleteConflict:         http.StatusConflict,
	CertificateState:       http.StatusNotAcceptable,
	CertificateValidation:  http.StatusBadRequest,
	CertificateConflict:    http.StatusConflict,
	VersionsLimitExceeded:  http.StatusConflict,
	MalformedPolicy:        http.StatusBadRequest,
	LimitExceeded:          http.StatusGone,
	Unauthorized:           http.StatusUnauthorized,
	Throttling:             http.StatusBadRequest,
	ServiceUnavailable:     http.StatusServiceUnavailable,
	InternalFailure:        http.StatusInternalServerError,
	InvalidStateTransition: http.StatusConflict,
}

// Codes returns every code of the table with its HTTP status.
func Codes() map[Code]int {
	out := make(map[Code]int, len(statuses))
	for c, s := range statuses {
		out[c] = s
	}
	return out
}

// Status is the HTTP status AWS answers the code with.
func (c Code) Status() int {
	if s, ok := statuses[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Error is an AWS IoT API error: the exception shape and its message.
type Error struct {
	Code    Code
	Message string
	// ResourceID and ResourceARN name the resource that already exists
	// (ResourceAlreadyExistsException's resourceId and resourceArn).
	// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThingGroup.html#API_CreateThingGroup_Errors
	ResourceID  string
	ResourceARN string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Status is the HTTP status of the error.
func (e *Error) Status() int { return e.Code.Status() }

// Is matches the sentinels below: an *Error with the same code and an empty
// message matches any error of that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

func errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

// alreadyExists is a ResourceAlreadyExistsException naming the existing
// resource.
func alreadyExists(id, arn, format string, args ...any) *Error {
	e := errorf(ResourceAlreadyExists, format, args...)
	e.ResourceID, e.ResourceARN = id, arn
	return e
}

// Sentinels for errors.Is.
var (
	// ErrNotFound matches ResourceNotFoundException.
	ErrNotFound = &Error{Code: ResourceNotFound}
	// ErrAlreadyExists matches ResourceAlreadyExistsException.
	ErrAlreadyExists = &Error{Code: ResourceAlreadyExists}
	// ErrInvalid matches InvalidRequestException.
	ErrInvalid = &Error{Code: InvalidRequest}
	// ErrVersionConflict matches VersionConflictException.
	ErrVersionConflict = &Error{Code: VersionConflict}
	// ErrDeleteConflict matches DeleteConflictException.
	ErrDeleteConflict = &Error{Code: DeleteConflict}
	// ErrCertificateState matches CertificateStateException.
	ErrCertificateState = &Error{Code: CertificateState}
	// ErrMalformedPolicy matches MalformedPolicyException.
	ErrMalformedPolicy = &Error{Code: MalformedPolicy}
)
