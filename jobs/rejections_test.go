package jobs_test

import (
	"context"
	"strings"
	"testing"
)

// rejectionEnv has on thing1: job1 IN_PROGRESS (version 2, statusDetails
// progress=50%) and job2 SUCCEEDED (version 2).
func rejectionEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.createJob(t, "job1", nil, "thing1")
	e.createJob(t, "job2", nil, "thing1")
	e.mqtt(t, "thing1", "start-next", `{"statusDetails":{"progress":"50%"}}`)
	e.mqtt(t, "thing1", "job2/update", `{"status":"SUCCEEDED"}`)
	e.pub.take()
	return e
}

// TestMQTTRejections checks every documented rejection with its exact
// document, delivered only to the requesting client.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-api.html#jobs-mqtt-error-response
func TestMQTTRejections(t *testing.T) {
	const job1State = `"executionState":{"status":"IN_PROGRESS","statusDetails":{"progress":"50%"},"versionNumber":2}`
	tests := []struct {
		name, suffix, payload, reply, want string
	}{
		{"InvalidTopic", "foo/bar/baz", `{}`, "foo/bar/baz/rejected",
			`{"code":"InvalidTopic","message":"The topic $aws/things/thing1/jobs/foo/bar/baz is not a valid Jobs topic.","timestamp":1700000000}`},
		{"InvalidTopic on a reply topic", "get/accepted", `{}`, "get/accepted/rejected",
			`{"code":"InvalidTopic","message":"The topic $aws/things/thing1/jobs/get/accepted is not a valid Jobs topic.","timestamp":1700000000}`},
		{"InvalidJson", "get", `{nope`, "get/rejected",
			`{"code":"InvalidJson","message":"Invalid JSON","timestamp":1700000000}`},
		{"InvalidJson not an object", "start-next", `[1]`, "start-next/rejected",
			`{"code":"InvalidJson","message":"Invalid JSON","timestamp":1700000000}`},
		{"InvalidJson not UTF-8", "job1/update", "{\"status\":\"\xff\"}", "job1/update/rejected",
			`{"code":"InvalidJson","message":"Invalid JSON","timestamp":1700000000}`},
		{"InvalidRequest missing status", "job1/update", `{"clientToken":"c1"}`, "job1/update/rejected",
			`{"code":"InvalidRequest","message":"1 validation error detected: Value null at 'status' failed to satisfy constraint: Member must not be null","clientToken":"c1","timestamp":1700000000}`},
		{"InvalidRequest bad statusDetails", "job1/update", `{"status":"IN_PROGRESS","statusDetails":{"a":1},"clientToken":"c1"}`, "job1/update/rejected",
			`{"code":"InvalidRequest","message":"1 validation error detected: Value at 'statusDetails' failed to satisfy constraint: Member must be a map of strings to strings","clientToken":"c1","timestamp":1700000000}`},
		{"InvalidRequest service status", "job1/update", `{"status":"CANCELED","clientToken":"c1"}`, "job1/update/rejected",
			`{"code":"InvalidRequest","message":"A device cannot set the status of a job execution to CANCELED.","clientToken":"c1","timestamp":1700000000}`},
		{"InvalidRequest unknown status", "job1/update", `{"status":"DONE","clientToken":"c1"}`, "job1/update/rejected",
			`{"code":"InvalidRequest","message":"1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set: [IN_PROGRESS, SUCCEEDED, FAILED, REJECTED]","clientToken":"c1","timestamp":1700000000}`},
		{"InvalidRequest step timeout", "job1/update", `{"status":"IN_PROGRESS","stepTimeoutInMinutes":0,"clientToken":"c1"}`, "job1/update/rejected",
			`{"code":"InvalidRequest","message":"1 validation error detected: Value at 'stepTimeoutInMinutes' failed to satisfy constraint: Member must have value between 1 and 10080, or -1","clientToken":"c1","timestamp":1700000000}`},
		{"InvalidRequest expectedVersion not a number", "job1/update", `{"status":"IN_PROGRESS","expectedVersion":"two","clientToken":"c1"}`, "job1/update/rejected",
			`{"code":"InvalidRequest","message":"1 validation error detected: Value at 'expectedVersion' failed to satisfy constraint: Member must be an integer","clientToken":"c1","timestamp":1700000000}`},
		{"InvalidRequest long clientToken", "get", `{"clientToken":"` + strings.Repeat("x", 65) + `"}`, "get/rejected",
			`{"code":"InvalidRequest","message":"clientToken must be a string of at most 64 bytes","timestamp":1700000000}`},
		{"VersionMismatch", "job1/update", `{"status":"SUCCEEDED","expectedVersion":1,"clientToken":"c1"}`, "job1/update/rejected",
			`{"code":"VersionMismatch","message":"The expected version does not match the current version of the job execution.","clientToken":"c1","timestamp":1700000000,` + job1State + `}`},
		{"InvalidStateTransition terminal", "job2/update", `{"status":"IN_PROGRESS","clientToken":"c1"}`, "job2/update/rejected",
			`{"code":"InvalidStateTransition","message":"Job execution job2 cannot transition from SUCCEEDED to IN_PROGRESS.","clientToken":"c1","timestamp":1700000000,"executionState":{"status":"SUCCEEDED","versionNumber":2}}`},
		{"InvalidStateTransition back to QUEUED", "job1/update", `{"status":"QUEUED","clientToken":"c1"}`, "job1/update/rejected",
			`{"code":"InvalidStateTransition","message":"Job execution job1 cannot transition from IN_PROGRESS to QUEUED.","clientToken":"c1","timestamp":1700000000,` + job1State + `}`},
		{"ResourceNotFound update", "nojob/update", `{"status":"SUCCEEDED","clientToken":"c1"}`, "nojob/update/rejected",
			`{"code":"ResourceNotFound","message":"Job execution nojob does not exist on thing thing1.","clientToken":"c1","timestamp":1700000000}`},
		{"ResourceNotFound get", "nojob/get", `{"clientToken":"c1"}`, "nojob/get/rejected",
			`{"code":"ResourceNotFound","message":"Job execution nojob does not exist on thing thing1.","clientToken":"c1","timestamp":1700000000}`},
		{"ResourceNotFound executionNumber", "job1/get", `{"executionNumber":7,"clientToken":"c1"}`, "job1/get/rejected",
			`{"code":"ResourceNotFound","message":"Job execution job1 does not exist on thing thing1.","clientToken":"c1","timestamp":1700000000}`},
		{"TerminalStateReached", "job2/get", `{"clientToken":"c1"}`, "job2/get/rejected",
			`{"code":"TerminalStateReached","message":"Job execution job2 on thing1 is in terminal state SUCCEEDED.","clientToken":"c1","timestamp":1700000000}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := rejectionEnv(t)
			got := e.mqtt(t, "thing1", tt.suffix, tt.payload)
			m := only(t, got, "$aws/things/thing1/jobs/"+tt.reply)
			if m.Client != "c-thing1" {
				t.Errorf("reply went to %q, want only the requester c-thing1", m.Client)
			}
			jsonEqual(t, tt.name, m.Payload, tt.want)
			if len(got) != 1 {
				t.Errorf("a rejection must change nothing; got %v", topics(got))
			}
		})
	}
}

// TestHandleMQTTNotJobsTopic: topics outside the Jobs namespace are
// refused with ErrNotJobsTopic and publish nothing.
func TestHandleMQTTNotJobsTopic(t *testing.T) {
	e := newEnv(t)
	for _, topic := range []string{"a/b", "$aws/things/t/shadow/get", "$aws/things/t/jobs", "$aws/things/+/jobs/get"} {
		if err := e.svc.HandleMQTT(context.Background(), "c", topic, nil); err == nil {
			t.Errorf("%s: want ErrNotJobsTopic", topic)
		}
	}
	if got := e.pub.take(); len(got) != 0 {
		t.Errorf("published %v", topics(got))
	}
}
