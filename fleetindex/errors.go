package fleetindex

import (
	"errors"
	"fmt"
	"net/http"
)

// Code is the name of an AWS IoT exception shape (x-amzn-ErrorType).
type Code string

// The exceptions of the indexing operations.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_SearchIndex.html#API_SearchIndex_Errors
const (
	InvalidRequest     Code = "InvalidRequestException"
	InvalidQuery       Code = "InvalidQueryException"
	InvalidAggregation Code = "InvalidAggregationException"
	IndexNotReady      Code = "IndexNotReadyException"
	ResourceNotFound   Code = "ResourceNotFoundException"
)

// Status is the HTTP status of the code, from the model's httpStatusCode:
// every one is 400 but ResourceNotFoundException (404).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_GetStatistics.html#API_GetStatistics_Errors
func (c Code) Status() int {
	if c == ResourceNotFound {
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

// Error is an AWS IoT API error of this package.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Status is the HTTP status of the error.
func (e *Error) Status() int { return e.Code.Status() }

func errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of an *Error in err's chain, or "".
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// validation is the message AWS's request validation gives for one
// member, in the "1 validation error detected" form of its services.
func validation(value, member, constraint string) *Error {
	return errorf(InvalidRequest, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint)
}
