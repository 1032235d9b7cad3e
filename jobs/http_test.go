package jobs_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHTTPHandler drives the iot-jobs-data REST routes and error shape.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-http-device-api.html#jobs-http-device-api
func TestHTTPHandler(t *testing.T) {
	e := newEnv(t)
	e.createJob(t, "job1", nil, "thing1")
	srv := httptest.NewServer(e.svc.DataPlane().Handler())
	defer srv.Close()
	tests := []struct {
		method, path, body string
		status             int
		errType, want      string
	}{
		{"GET", "/things/thing1/jobs", "", 200, "", `{"inProgressJobs":[],"queuedJobs":[{"jobId":"job1","queuedAt":1700000000,"lastUpdatedAt":1700000000,"versionNumber":1,"executionNumber":1}]}`},
		{"GET", "/things/thing1/jobs/job1?includeJobDocument=false", "", 200, "", `{"execution":{"jobId":"job1","thingName":"thing1","status":"QUEUED","queuedAt":1700000000,"lastUpdatedAt":1700000000,"versionNumber":1,"executionNumber":1}}`},
		{"PUT", "/things/thing1/jobs/$next", `{"statusDetails":{"a":"b"}}`, 200, "", `{"execution":{"jobId":"job1","thingName":"thing1","status":"IN_PROGRESS","statusDetails":{"a":"b"},"queuedAt":1700000000,"startedAt":1700000000,"lastUpdatedAt":1700000000,"versionNumber":2,"executionNumber":1,"jobDocument":"{\"operation\":\"job1\"}"}}`},
		{"POST", "/things/thing1/jobs/job1", `{"status":"SUCCEEDED","expectedVersion":1}`, 409, "InvalidStateTransitionException", `{"message":"The expected version does not match the current version of the job execution."}`},
		{"POST", "/things/thing1/jobs/job1", `{"status":"SUCCEEDED","includeJobExecutionState":true}`, 200, "", `{"executionState":{"status":"SUCCEEDED","statusDetails":{"a":"b"},"versionNumber":3}}`},
		{"GET", "/things/thing1/jobs/job1", "", 410, "TerminalStateException", `{"message":"Job execution job1 on thing1 is in terminal state SUCCEEDED."}`},
		{"GET", "/things/thing1/jobs/nojob", "", 404, "ResourceNotFoundException", `{"message":"Job execution nojob does not exist on thing thing1."}`},
		{"POST", "/things/thing1/jobs/job1", `{nope`, 400, "InvalidRequestException", ""},
		{"GET", "/things/thing1/jobs/job1?executionNumber=x", "", 400, "InvalidRequestException", ""},
		{"PUT", "/things/thing1/jobs/job1", `{}`, 400, "InvalidRequestException", ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || resp.Header.Get("x-amzn-ErrorType") != tt.errType {
			t.Errorf("%s %s: %d %q %s", tt.method, tt.path, resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), body)
			continue
		}
		if tt.want != "" {
			jsonEqual(t, tt.method+" "+tt.path, string(body), tt.want)
		}
	}
}
