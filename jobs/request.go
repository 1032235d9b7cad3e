package jobs

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// maxClientTokenBytes bounds clientToken.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#jobs-mqtt-api
const maxClientTokenBytes = 64

// errInvalidJSON is the MQTT rejection of a payload that is not a UTF-8
// JSON object.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-api.html#jobs-mqtt-error-response
func errInvalidJSON() *Error {
	return &Error{Code: InvalidRequest, MQTT: RejectedInvalidJSON, Message: "Invalid JSON"}
}

// rawRequest is the JSON of an MQTT request; numbers and booleans may
// arrive as strings (the v1 Python SDK sends str(expectedVersion)).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-workflow-jobs-online.html#jobs-job-processing
type rawRequest struct {
	ClientToken              *json.RawMessage `json:"clientToken"`
	Status                   *json.RawMessage `json:"status"`
	StatusDetails            *json.RawMessage `json:"statusDetails"`
	StepTimeoutInMinutes     *json.RawMessage `json:"stepTimeoutInMinutes"`
	ExpectedVersion          *json.RawMessage `json:"expectedVersion"`
	ExecutionNumber          *json.RawMessage `json:"executionNumber"`
	IncludeJobDocument       *json.RawMessage `json:"includeJobDocument"`
	IncludeJobExecutionState *json.RawMessage `json:"includeJobExecutionState"`
}

// decodeRequest decodes an MQTT request. An empty payload is {}. The
// clientToken is returned even when a later member is invalid, so that
// the rejection echoes it.
func decodeRequest(payload []byte, maxBytes int) (deviceRequest, error) {
	var req deviceRequest
	if len(bytes.TrimSpace(payload)) == 0 {
		return req, nil
	}
	var raw rawRequest
	if len(payload) > maxBytes || !utf8.Valid(payload) || json.Unmarshal(payload, &raw) != nil || !isObject(payload) {
		return req, errInvalidJSON()
	}
	if raw.ClientToken != nil {
		if json.Unmarshal(*raw.ClientToken, &req.clientToken) != nil || len(req.clientToken) > maxClientTokenBytes {
			req.clientToken = ""
			return req, errorf(InvalidRequest, "clientToken must be a string of at most %d bytes", maxClientTokenBytes)
		}
	}
	return req, raw.fill(&req)
}

// fill decodes the members other than clientToken.
func (raw rawRequest) fill(req *deviceRequest) error {
	if raw.Status != nil && json.Unmarshal(*raw.Status, &req.status) != nil {
		return validation("status", "Member must be a string")
	}
	if raw.StatusDetails != nil && string(*raw.StatusDetails) != "null" {
		if json.Unmarshal(*raw.StatusDetails, &req.statusDetails) != nil {
			return validation("statusDetails", "Member must be a map of strings to strings")
		}
		req.hasDetails = true
	}
	var err error
	if req.stepTimeout, err = flexInt("stepTimeoutInMinutes", raw.StepTimeoutInMinutes); err != nil {
		return err
	}
	if req.expectedVersion, err = flexInt("expectedVersion", raw.ExpectedVersion); err != nil {
		return err
	}
	n, err := flexInt("executionNumber", raw.ExecutionNumber)
	if err != nil {
		return err
	}
	if n != nil {
		req.executionNumber = *n
	}
	if req.includeDoc, err = flexBool("includeJobDocument", raw.IncludeJobDocument); err != nil {
		return err
	}
	st, err := flexBool("includeJobExecutionState", raw.IncludeJobExecutionState)
	req.includeState = st != nil && *st
	return err
}

// flexInt decodes an integer sent as a number or a decimal string.
func flexInt(member string, raw *json.RawMessage) (*int64, error) {
	if raw == nil || string(*raw) == "null" {
		return nil, nil
	}
	var n int64
	if json.Unmarshal(*raw, &n) == nil {
		return &n, nil
	}
	var str string
	if json.Unmarshal(*raw, &str) == nil {
		if v, err := strconv.ParseInt(str, 10, 64); err == nil {
			return &v, nil
		}
	}
	return nil, validation(member, "Member must be an integer")
}

// flexBool decodes a boolean sent as a JSON boolean or "true"/"false".
func flexBool(member string, raw *json.RawMessage) (*bool, error) {
	if raw == nil || string(*raw) == "null" {
		return nil, nil
	}
	var b bool
	if json.Unmarshal(*raw, &b) == nil {
		return &b, nil
	}
	var str string
	if json.Unmarshal(*raw, &str) == nil {
		if v, err := strconv.ParseBool(str); err == nil {
			return &v, nil
		}
	}
	return nil, validation(member, "Member must be a boolean")
}

// isObject reports whether a valid JSON text is an object.
func isObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{'
}
