package apigwv2

import (
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// The model's error shapes and their statuses.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Errors"
// (botocore apigatewayv2 BadRequestException 400, NotFoundException 404,
// ConflictException 409).
const (
	typeBadRequest = "BadRequestException"
	typeNotFound   = "NotFoundException"
	typeConflict   = "ConflictException"
)

func badRequest(format string, args ...any) *awsrest.Error {
	return awsrest.Errorf(http.StatusBadRequest, typeBadRequest, format, args...)
}

func notFound(format string, args ...any) *awsrest.Error {
	return awsrest.Errorf(http.StatusNotFound, typeNotFound, format, args...)
}

func conflict(format string, args ...any) *awsrest.Error {
	return awsrest.Errorf(http.StatusConflict, typeConflict, format, args...)
}

// notFoundID is "Invalid {kind} identifier specified {id}": AWS's text
// for an unknown API ("Invalid API identifier specified
// 123456789012:zzzzzzzzzz", observed); the same pattern for the other
// kinds is moto's, unconfirmed on AWS (docs/compatibility.md).
func notFoundID(kind, id string) *awsrest.Error {
	return notFound("Invalid %s identifier specified %s", kind, id)
}
