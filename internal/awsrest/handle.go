package awsrest

import (
	"context"
	"errors"
	"net/http"
)

// NoBody is the output of an operation AWS answers with 200 and an empty
// body (DeleteTopicRule and the other topic rule changes). An operation
// whose output has no members but is answered with {} returns struct{}.
type NoBody struct{}

// ErrorMapper turns an operation's error into the AWS error to send, or
// returns nil to leave it to Handle's default: an *Error in the chain is
// sent as it is, and any other error is a 500 InternalFailureException.
type ErrorMapper func(error) *Error

// Handle adapts one AWS operation to an http.Handler, in the manner of
// fake-gcs-server's jsonToHTTPHandler: decode reads the input from the
// request (path parameters, query, headers, JSON body), call runs the
// operation with the request's context, and the output is written as
// JSON with status 200 — or the error, from decode or call, in AWS's
// error wire format (status, x-amzn-ErrorType, {"message","traceId"}).
// mapErr may be nil.
func Handle[In, Out any](mapErr ErrorMapper, decode func(*http.Request) (In, error), call func(context.Context, In) (Out, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := RequestID(w)
		in, err := decode(r)
		if err != nil {
			WriteError(w, id, wireError(mapErr, err))
			return
		}
		out, err := call(r.Context(), in)
		if err != nil {
			WriteError(w, id, wireError(mapErr, err))
			return
		}
		if _, empty := any(out).(NoBody); empty {
			writeNoBody(w, id)
			return
		}
		WriteJSON(w, id, out)
	})
}

// wireError is the one place an operation's error becomes its wire form.
func wireError(mapErr ErrorMapper, err error) *Error {
	if mapErr != nil {
		if e := mapErr(err); e != nil {
			return e
		}
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Errorf(http.StatusInternalServerError, InternalFailure, "%v", err)
}

// RequestID returns the x-amzn-RequestId already set on the response (the
// server sets one on every response), or sets a new one.
func RequestID(w http.ResponseWriter) string {
	if id := w.Header().Get("x-amzn-RequestId"); id != "" {
		return id
	}
	id := NewRequestID()
	w.Header().Set("x-amzn-RequestId", id)
	return id
}

func writeNoBody(w http.ResponseWriter, requestID string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-RequestId", requestID)
	w.WriteHeader(http.StatusOK)
}

// Input is a decoder for operations whose input is only the request
// itself, already parsed by the router: it never fails.
func Input(r *http.Request) (*http.Request, error) { return r, nil }
