package sigv4

import (
	"errors"
	"net/http"
)

// ErrMissingAuthentication means the request carries no SigV4 authentication
// (neither an Authorization header nor X-Amz-Algorithm in the query).
var ErrMissingAuthentication = errors.New("missing authentication")

// ErrIncompleteSignature means the Authorization header or the presigned query
// lacks a part (Credential, SignedHeaders, Signature, X-Amz-Date…) or has a
// malformed one.
var ErrIncompleteSignature = errors.New("incomplete signature")

// ErrInvalidScope means the credential scope names another service, a region
// not accepted, another date than X-Amz-Date, or a wrong terminator.
var ErrInvalidScope = errors.New("invalid credential scope")

// ErrUnknownAccessKey means the access key ID is not among the configured
// credentials.
var ErrUnknownAccessKey = errors.New("unknown access key")

// ErrInvalidToken means X-Amz-Security-Token is missing, unexpected or not the
// session token of the access key.
var ErrInvalidToken = errors.New("invalid security token")

// ErrSignatureExpired means X-Amz-Date is more than the allowed skew in the
// past, or a presigned URL is past X-Amz-Expires.
var ErrSignatureExpired = errors.New("signature expired")

// ErrSignatureNotYetValid means X-Amz-Date is more than the allowed skew in the
// future.
var ErrSignatureNotYetValid = errors.New("signature not yet valid")

// ErrSignatureMismatch means the signature is not the one computed from the
// request and the secret key (a tampered part, a wrong secret).
var ErrSignatureMismatch = errors.New("signature mismatch")

// AWS error codes. AWS: common errors
// https://docs.aws.amazon.com/general/latest/gr/signature-v4-troubleshooting.html
// and the AWS API "CommonErrors" (IncompleteSignature, InvalidSignatureException,
// MissingAuthenticationToken, UnrecognizedClientException).
const (
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	CodeIncompleteSignature        = "IncompleteSignatureException"
	CodeInvalidSignature           = "InvalidSignatureException"
	CodeUnrecognizedClient         = "UnrecognizedClientException"
)

// AWS message texts.
const (
	msgMissing = "Missing Authentication Token"
	// AWS: signature-v4-troubleshooting.html, InvalidSignatureException.
	msgMismatch = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	// AWS: UnrecognizedClientException for an unknown key or token.
	msgUnknownKey = "The security token included in the request is invalid."
	// AWS: S3 AuthorizationQueryParametersError (presigned URLs).
	msgPresignMissing = "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', " +
		"'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters."
	msgHostNotSigned = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
)

// Error is a refused signature: Code and Message are what AWS puts on the
// wire (x-amzn-ErrorType and "message"); errors.Is matches one of the ErrX
// sentinels.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error returns "verify signature: " and the AWS message.
func (e *Error) Error() string { return "verify signature: " + e.Message }

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// HTTPStatus is the status AWS answers with: 403 for every
// authentication failure (UNCONFIRMED for iot-data, which models 401
// UnauthorizedException and was observed answering 403: docs/compatibility.md).
func (e *Error) HTTPStatus() int { return http.StatusForbidden }

func fail(sentinel error, code, msg string) error {
	return &Error{Code: code, Message: msg, Err: sentinel}
}
