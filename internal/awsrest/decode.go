package awsrest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// Invalid is a 400 InvalidRequestException, the answer to a request that
// does not decode.
func Invalid(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, InvalidRequest, format, args...)
}

// ReadBody reads at most limit bytes of the request body; a larger body is
// a 413 (with the InvalidRequestException shape, as the IoT handlers have
// always answered it).
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, Invalid("Unable to read the request body: %v", err)
	}
	if int64(len(body)) > limit {
		return nil, Errorf(http.StatusRequestEntityTooLarge, InvalidRequest, "The request body exceeds %d bytes", limit)
	}
	return body, nil
}

// ReadJSON decodes the request body (at most limit bytes) into v; an empty
// body is {}.
func ReadJSON(r *http.Request, limit int64, v any) error {
	body, err := ReadBody(r, limit)
	if err != nil || len(body) == 0 {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return Invalid("Could not parse request body into json: %v", err)
	}
	return nil
}

// QueryInt reads an integer query parameter ("" → 0).
func QueryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, Invalid("Invalid %s: %q is not an integer", name, v)
	}
	return n, nil
}

// QueryLong reads an optional long query parameter (nil when absent).
func QueryLong(r *http.Request, name string) (*int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, Invalid("Invalid %s: %q is not a long", name, v)
	}
	return &n, nil
}

// QueryBool reads a boolean query parameter ("" → false).
func QueryBool(r *http.Request, name string) (bool, error) {
	b, err := QueryOptionalBool(r, name)
	if b == nil {
		return false, err
	}
	return *b, err
}

// QueryOptionalBool reads a boolean query parameter that has no default
// (nil when absent), such as ListThingGroups' recursive.
func QueryOptionalBool(r *http.Request, name string) (*bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, Invalid("Invalid %s: %q is not a boolean", name, v)
	}
	return &b, nil
}

// RequiredHeader reads a header the operation requires.
func RequiredHeader(r *http.Request, name string) (string, error) {
	v := r.Header.Get(name)
	if v == "" {
		return "", Invalid("Missing required header %s", name)
	}
	return v, nil
}

// errorBody is the body of an error: message and traceId, and the shape's
// extra members when it has some.
func errorBody(err *Error, requestID string) []byte {
	if len(err.Members) == 0 {
		b, _ := json.Marshal(struct { // a struct of two strings always marshals
			Message string `json:"message"`
			TraceID string `json:"traceId"`
		}{err.Message, requestID})
		return b
	}
	m := make(map[string]string, len(err.Members)+2)
	for k, v := range err.Members {
		m[k] = v
	}
	m["message"], m["traceId"] = err.Message, requestID
	b, _ := json.Marshal(m) // a map of strings always marshals
	return b
}
