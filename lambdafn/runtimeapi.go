package lambdafn

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// routes is the Lambda Runtime API of one execution environment, version
// 2018-06-01, as the runtime reaches it at AWS_LAMBDA_RUNTIME_API.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api
func (e *environment) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", e.handleNext)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", e.handleResponse)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", e.handleError)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", e.handleInitError)
	return mux
}

// handleNext is the long poll for the next event: the body is the event,
// the headers its request ID, deadline, invoked ARN and trace ID.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-next
func (e *environment) handleNext(w http.ResponseWriter, r *http.Request) {
	select {
	case inv := <-e.next:
		deadline := time.Now().Add(e.timeout)
		e.take(inv)
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(deadline.UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", inv.arn)
		h.Set("Lambda-Runtime-Trace-Id", inv.traceID)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(inv.payload) // a runtime gone is seen by the process's exit
	case <-r.Context().Done(): // the runtime hung up, or the server is stopping
	}
}

// handleResponse is the function's result for one request ID.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-response
func (e *environment) handleResponse(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxInvokeResult+1))
	if err != nil {
		runtimeAPIError(w, http.StatusBadRequest, "InvalidRequest", fmt.Sprintf("read response: %v", err))
		return
	}
	if len(body) > maxInvokeResult {
		if e.answer(r.PathValue("id"), tooLarge()) {
			runtimeAPIError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", tooLarge().fe.Message)
			return
		}
		invalidID(w)
		return
	}
	e.accept(w, r.PathValue("id"), outcome{body: body})
}

// handleError is a function error for one request ID: an error document
// in the body, its type also in Lambda-Runtime-Function-Error-Type.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-invokeerror
func (e *environment) handleError(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxInvokeResult))
	if err != nil {
		runtimeAPIError(w, http.StatusBadRequest, "InvalidRequest", fmt.Sprintf("read error: %v", err))
		return
	}
	e.accept(w, r.PathValue("id"), reported(body, r.Header.Get("Lambda-Runtime-Function-Error-Type")))
}

// handleInitError is a failed initialization: the invocation waiting for
// this environment gets the error, and the environment is reset.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-initerror
func (e *environment) handleInitError(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxInvokeResult))
	if err != nil {
		runtimeAPIError(w, http.StatusBadRequest, "InvalidRequest", fmt.Sprintf("read error: %v", err))
		return
	}
	e.failInit(reported(body, r.Header.Get("Lambda-Runtime-Function-Error-Type")))
	accepted(w)
}

func (e *environment) accept(w http.ResponseWriter, id string, o outcome) {
	if !e.answer(id, o) {
		invalidID(w)
		return
	}
	accepted(w)
}

// accepted is the Runtime API's 202 with its {"status":"OK"} body.
func accepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`)
}

// invalidID answers a request ID that is not the invocation in hand (an
// answer after a timeout, or twice), as the Runtime Interface Emulator
// does.
func invalidID(w http.ResponseWriter) {
	runtimeAPIError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
}

// runtimeAPIError is the Runtime API's ErrorResponse.
func runtimeAPIError(w http.ResponseWriter, status int, errorType, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(FunctionError{Type: errorType, Message: msg}) // two strings always marshal
	_, _ = w.Write(b)
}

// newTraceID is an X-Ray trace header of a new, unsampled trace.
// AWS: https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
func newTraceID(now time.Time) string {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", now.Unix(), hex.EncodeToString(b[:12]), hex.EncodeToString(b[12:]))
}
