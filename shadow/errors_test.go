package shadow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotemu/iotemu/shadow"
)

// TestErrorTable checks every row of the AWS error table: code, message,
// HTTP status and iot-data exception name.
func TestErrorTable(t *testing.T) {
	tests := []struct {
		err      *shadow.Error
		code     int
		message  string
		typeName string
	}{
		{shadow.ErrInvalidJSON, 400, "Invalid JSON", "InvalidRequestException"},
		{shadow.ErrEmptyPayload, 400, "Payload contains invalid json", "InvalidRequestException"},
		{shadow.ErrMissingState, 400, "Missing required node: state", "InvalidRequestException"},
		{shadow.ErrStateNotObject, 400, "State node must be an object", "InvalidRequestException"},
		{shadow.ErrDesiredNotObject, 400, "Desired node must be an object", "InvalidRequestException"},
		{shadow.ErrReportedNotObject, 400, "Reported node must be an object", "InvalidRequestException"},
		{shadow.ErrInvalidVersion, 400, "Invalid version", "InvalidRequestException"},
		{shadow.ErrInvalidClientToken, 400, "Invalid clientToken", "InvalidRequestException"},
		{shadow.ErrTooDeep, 400, "JSON contains too many levels of nesting; maximum is 6", "InvalidRequestException"},
		{shadow.ErrInvalidStateNode, 400, "State contains an invalid node", "InvalidRequestException"},
		{shadow.ErrNullInArray, 400, "Invalid JSON", "InvalidRequestException"},
		{shadow.ErrValidation, 400, "1 validation error detected", "InvalidRequestException"},
		{shadow.ErrInvalidNextToken, 400, "Invalid nextToken", "InvalidRequestException"},
		{shadow.ErrUnauthorized, 401, "Unauthorized", "UnauthorizedException"},
		{shadow.ErrForbidden, 403, "Forbidden", "ForbiddenException"},
		{shadow.ErrThingNotFound, 404, "Thing not found", "ResourceNotFoundException"},
		{shadow.ErrShadowNotFound, 404, "No shadow exists with name", "ResourceNotFoundException"},
		{shadow.ErrMethodNotAllowed, 405, "The specified combination of HTTP verb and URI is not supported.", "MethodNotAllowedException"},
		{shadow.ErrVersionConflict, 409, "Version conflict", "ConflictException"},
		{shadow.ErrPayloadTooLarge, 413, "The payload exceeds the maximum size allowed", "RequestEntityTooLargeException"},
		{shadow.ErrUnsupportedEncoding, 415, "Unsupported documented encoding; supported encoding is UTF-8", "UnsupportedDocumentEncodingException"},
		{shadow.ErrThrottled, 429, "Too Many Requests", "ThrottlingException"},
		{shadow.ErrInternal, 500, "Internal service failure", "InternalFailureException"},
		{shadow.ErrServiceUnavailable, 503, "Service Unavailable", "ServiceUnavailableException"},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			if tt.err.Code != tt.code || tt.err.HTTPStatus() != tt.code {
				t.Errorf("code: got %d (HTTP %d), want %d", tt.err.Code, tt.err.HTTPStatus(), tt.code)
			}
			if tt.err.Message != tt.message {
				t.Errorf("message: got %q, want %q", tt.err.Message, tt.message)
			}
			if got := tt.err.ErrorType(); got != tt.typeName {
				t.Errorf("ErrorType: got %q, want %q", got, tt.typeName)
			}
			if !errors.Is(fmt.Errorf("wrap: %w", tt.err), tt.err) {
				t.Errorf("errors.Is(wrapped, itself): got false, want true")
			}
		})
	}
}

func TestErrorFamilies(t *testing.T) {
	svc, _, _ := newService(t)
	ctx := context.Background()
	_, err := svc.Get(ctx, "t1", "")
	if !errors.Is(err, shadow.ErrShadowNotFound) {
		t.Errorf("Get missing: got %v, want ErrShadowNotFound", err)
	}
	if got, want := shadow.AsError(err).Message, "No shadow exists with name: 't1'"; got != want {
		t.Errorf("message: got %q, want %q", got, want)
	}
	if errors.Is(err, shadow.ErrThingNotFound) {
		t.Errorf("errors.Is(not found, ErrThingNotFound): got true, want false")
	}
	_, err = svc.Update(ctx, "t1", "", []byte(`{"state":{"delta":{}}}`))
	if !errors.Is(err, shadow.ErrInvalidStateNode) {
		t.Errorf("Update with delta: got %v, want ErrInvalidStateNode", err)
	}
	if got := shadow.AsError(errors.New("disk on fire")); got != shadow.ErrInternal {
		t.Errorf("AsError(other): got %v, want ErrInternal", got)
	}
}

// TestRejectedDocument checks the MQTT mapping of errors: code, message,
// clientToken when sent, no timestamp unless configured.
func TestRejectedDocument(t *testing.T) {
	tests := []struct {
		name    string
		compat  shadow.Compat
		topic   string
		payload string
		want    map[string]any
	}{
		{"get 404 without token", shadow.Compat{}, "$aws/things/t/shadow/get", ``,
			map[string]any{"code": 404.0, "message": "No shadow exists with name: 't'"}},
		{"delete 404 with token", shadow.Compat{}, "$aws/things/t/shadow/delete", `{"clientToken":"c1"}`,
			map[string]any{"code": 404.0, "message": "No shadow exists with name: 't'", "clientToken": "c1"}},
		{"named get 404 over MQTT quotes the shadow name", shadow.Compat{}, "$aws/things/t/shadow/name/s/get", ``,
			map[string]any{"code": 404.0, "message": "No shadow exists with name: 's'"}},
		{"named get 404 with thing~shadow naming", shadow.Compat{NamedNotFound: shadow.NotFoundThingTildeShadow}, "$aws/things/t/shadow/name/s/get", ``,
			map[string]any{"code": 404.0, "message": "No shadow exists with name: 't~s'"}},
		{"update 400 with token", shadow.Compat{}, "$aws/things/t/shadow/update", `{"clientToken":"c2","state":5}`,
			map[string]any{"code": 400.0, "message": "State node must be an object", "clientToken": "c2"}},
		{"timestamp for configured codes", shadow.Compat{ErrorTimestampCodes: []int{400}}, "$aws/things/t/shadow/update", `{"state":5}`,
			map[string]any{"code": 400.0, "message": "State node must be an object", "timestamp": 1700000000.0}},
		{"over-long token not echoed", shadow.Compat{}, "$aws/things/t/shadow/update", `{"clientToken":"` + string(make65()) + `","state":{}}`,
			map[string]any{"code": 400.0, "message": "Invalid clientToken"}},
		{"over-long token echoed on request", shadow.Compat{EchoInvalidClientToken: true}, "$aws/things/t/shadow/update", `{"clientToken":"` + string(make65()) + `","state":{}}`,
			map[string]any{"code": 400.0, "message": "Invalid clientToken", "clientToken": string(make65())}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, rec, _ := newService(t, func(c *shadow.Config) { c.Compat = tt.compat })
			if err := svc.HandleMQTT(context.Background(), tt.topic, []byte(tt.payload)); err != nil {
				t.Fatalf("HandleMQTT: got %v, want nil", err)
			}
			msgs := rec.take()
			if len(msgs) != 1 || msgs[0].Topic != tt.topic+"/rejected" {
				t.Fatalf("published: got %v, want one message on %s/rejected", msgs, tt.topic)
			}
			var got map[string]any
			if err := json.Unmarshal(msgs[0].Payload, &got); err != nil {
				t.Fatalf("rejected payload %s: %v", msgs[0].Payload, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rejected document (-want +got):\n%s", diff)
			}
		})
	}
}

func make65() []byte {
	b := make([]byte, 65)
	for i := range b {
		b[i] = 'x'
	}
	return b
}

// TestRejectedInvalidNameEchoesToken: a name validation error on MQTT
// still echoes the request's clientToken.
func TestRejectedInvalidNameEchoesToken(t *testing.T) {
	svc, rec, _ := newService(t)
	long := "$aws/things/" + string(make65()) + string(make65()) + "/shadow/update"
	if err := svc.HandleMQTT(context.Background(), long, []byte(`{"state":{},"clientToken":"tok"}`)); err != nil {
		t.Fatalf("HandleMQTT: %v", err)
	}
	msgs := rec.take()
	if len(msgs) != 1 {
		t.Fatalf("published: got %d messages, want 1", len(msgs))
	}
	got := decodeMap(t, msgs[0].Payload)
	if got["clientToken"] != "tok" || !strings.HasPrefix(got["message"].(string), "1 validation error detected: Value '") {
		t.Errorf("rejected: got %s, want a validation error echoing tok", msgs[0].Payload)
	}
}
