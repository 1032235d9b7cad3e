package jobs

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// maxHTTPBody bounds an iot-jobs-data request body.
const maxHTTPBody = 128 * 1024

// Handler returns an http.Handler serving the iot-jobs-data REST API
// (restJson1) of s: GET /things/{thingName}/jobs, PUT
// /things/{thingName}/jobs/$next, GET and POST
// /things/{thingName}/jobs/{jobId}. Errors are AWS's restJson1 shape: the
// status, the x-amzn-ErrorType header and {"message": ...}. Authentication
// (SigV4 or TLS) is the composition root's.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-http-device-api.html#jobs-http-device-api
func (d DataPlane) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things/{thingName}/jobs", d.serveGetPending)
	mux.HandleFunc("PUT /things/{thingName}/jobs/{jobId}", d.serveStartNext)
	mux.HandleFunc("GET /things/{thingName}/jobs/{jobId}", d.serveDescribe)
	mux.HandleFunc("POST /things/{thingName}/jobs/{jobId}", d.serveUpdate)
	return mux
}

func (d DataPlane) serveGetPending(w http.ResponseWriter, r *http.Request) {
	out, err := d.GetPendingJobExecutions(r.Context(), r.PathValue("thingName"))
	writeResult(w, out, err)
}

func (d DataPlane) serveStartNext(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("jobId") != NextJobID {
		writeError(w, &Error{Code: InvalidRequest, Message: "The specified combination of HTTP verb and URI is not supported."})
		return
	}
	var in StartNextPendingJobExecutionInput
	if err := readBody(r, &in); err != nil {
		writeError(w, err)
		return
	}
	in.ThingName = r.PathValue("thingName")
	out, err := d.StartNextPendingJobExecution(r.Context(), in)
	writeResult(w, out, err)
}

func (d DataPlane) serveDescribe(w http.ResponseWriter, r *http.Request) {
	in := DescribeJobExecutionInput{JobID: r.PathValue("jobId"), ThingName: r.PathValue("thingName")}
	q := r.URL.Query()
	if v := q.Get("executionNumber"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			writeError(w, validation("executionNumber", "Member must be an integer"))
			return
		}
		in.ExecutionNumber = n
	}
	if v := q.Get("includeJobDocument"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeError(w, validation("includeJobDocument", "Member must be a boolean"))
			return
		}
		in.IncludeJobDocument = &b
	}
	out, err := d.DescribeJobExecution(r.Context(), in)
	writeResult(w, out, err)
}

func (d DataPlane) serveUpdate(w http.ResponseWriter, r *http.Request) {
	var in UpdateJobExecutionInput
	if err := readBody(r, &in); err != nil {
		writeError(w, err)
		return
	}
	in.JobID, in.ThingName = r.PathValue("jobId"), r.PathValue("thingName")
	out, err := d.UpdateJobExecution(r.Context(), in)
	writeResult(w, out, err)
}

// readBody decodes an optional JSON body.
func readBody(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxHTTPBody+1))
	if err != nil || len(b) > maxHTTPBody {
		return errorf(InvalidRequest, "The request body cannot be read.")
	}
	if len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errorf(InvalidRequest, "The request body is not valid JSON: %v", err)
	}
	return nil
}

// writeResult writes 200 with out as JSON, or the error.
func writeResult(w http.ResponseWriter, out any, err error) {
	if err != nil {
		writeError(w, err)
		return
	}
	b, mErr := encodeJSON(out)
	if mErr != nil {
		writeError(w, mErr)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// writeError is the one mapping from an error to the restJson1 error
// response.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/CommonErrors.html#CommonErrors
func writeError(w http.ResponseWriter, err error) {
	e := AsError(err)
	if errors.Is(err, ErrClosed) {
		e = &Error{Code: ServiceUnavailable, Message: "Service unavailable"}
	}
	status := e.Status()
	if e.Code == Throttling {
		status = http.StatusTooManyRequests // iot-jobs-data models 429
	}
	b, _ := encodeJSON(map[string]string{"message": e.Message})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-ErrorType", e.ErrorType())
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
