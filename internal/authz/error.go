package authz

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/sigv4"
)

// MQTT 5 CONNACK reason codes of a refusal.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt
const (
	ConnackBadUsernameOrPassword byte = 0x86
	ConnackNotAuthorized         byte = 0x87
)

// Error refuses a client: what MQTT and HTTP clients are told.
type Error struct {
	Connack byte   // MQTT 5 CONNACK reason code: ConnackNotAuthorized or ConnackBadUsernameOrPassword
	Status  int    // HTTP status
	Type    string // x-amzn-ErrorType
	Message string
	Err     error // the reason, for logs
}

func (e *Error) Error() string { return fmt.Sprintf("auth: %s: %s", e.Type, e.Message) }
func (e *Error) Unwrap() error { return e.Err }

// APIError is the HTTP answer of the refusal.
func (e *Error) APIError() *awsrest.Error {
	return &awsrest.Error{Status: e.Status, Type: e.Type, Message: e.Message}
}

// ErrNoIdentity: no source recognised the client (no certificate, no
// signature, no authorizer), which AWS has no listener for.
var ErrNoIdentity = errors.New("no identity")

// Forbidden is AWS's answer to a client that is not authorised: CONNACK
// 0x87 (MQTT 5; MQTT 3.1.1 gets a closed connection), HTTP 403
// ForbiddenException "Forbidden" (observed: the custom authorizer
// tutorial's rejection body).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth-tutorial.html#custom-auth-tutorial
func Forbidden(err error) *Error {
	return &Error{Connack: ConnackNotAuthorized, Status: http.StatusForbidden,
		Type: "ForbiddenException", Message: "Forbidden", Err: err}
}

// AsError returns err's *Error, or Forbidden(err) for any other error.
func AsError(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	return Forbidden(err)
}

// SignatureError is AWS's answer to a refused signature: its status, code
// and message (sigv4.Error), CONNACK 0x87 if it ever reaches MQTT.
func SignatureError(err error) *Error {
	ae := Forbidden(err)
	var se *sigv4.Error
	if errors.As(err, &se) {
		ae.Status, ae.Type, ae.Message = se.HTTPStatus(), se.Code, se.Message
	}
	return ae
}
