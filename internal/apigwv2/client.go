package apigwv2

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// call runs one operation in process through the Service's own Handler,
// exactly as an SDK's request over HTTP would run (the same routing,
// validation, errors and deployments): the fixtures file is one more
// client of the store. in is the JSON body (nil: none); out, when not
// nil, receives the response. A failed operation returns its *awsrest.Error.
func (s *Service) call(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	rec := &recorder{header: http.Header{}}
	s.h.ServeHTTP(rec, req)
	if rec.status >= 300 {
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(rec.body.Bytes(), &e) // an error body without a message keeps the status and type
		return &awsrest.Error{Status: rec.status, Type: rec.header.Get("x-amzn-ErrorType"), Message: e.Message}
	}
	if out != nil && rec.body.Len() > 0 {
		if err := json.Unmarshal(rec.body.Bytes(), out); err != nil {
			return fmt.Errorf("%s %s: decode response: %w", method, path, err)
		}
	}
	return nil
}

// recorder is the http.ResponseWriter of an in-process call.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b) // bytes.Buffer.Write never fails
}
