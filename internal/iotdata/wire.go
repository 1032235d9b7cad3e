package iotdata

import (
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// requestID returns the x-amzn-RequestId the root gave this response.
func requestID(w http.ResponseWriter) string { return awsrest.RequestID(w) }

func writeError(w http.ResponseWriter, err *awsrest.Error) {
	awsrest.WriteError(w, requestID(w), err)
}

func invalid(format string, args ...any) *awsrest.Error {
	return awsrest.Errorf(http.StatusBadRequest, awsrest.InvalidRequest, format, args...)
}
