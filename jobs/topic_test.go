package jobs_test

import (
	"encoding/json"
	"testing"

	"github.com/iotemu/iotemu/jobs"
)

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// TestParseTopic covers request, reply and push topics.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/reserved-topics.html#reserved-topics-job
func TestParseTopic(t *testing.T) {
	tests := []struct {
		topic   string
		ok      bool
		want    jobs.Topic
		request bool
	}{
		{"$aws/things/t1/jobs/get", true, jobs.Topic{Thing: "t1", Op: jobs.OpGetPending}, true},
		{"$aws/things/t1/jobs/get/accepted", true, jobs.Topic{Thing: "t1", Op: jobs.OpGetPending, Suffix: "accepted"}, false},
		{"$aws/things/t1/jobs/start-next", true, jobs.Topic{Thing: "t1", Op: jobs.OpStartNext}, true},
		{"$aws/things/t1/jobs/start-next/rejected", true, jobs.Topic{Thing: "t1", Op: jobs.OpStartNext, Suffix: "rejected"}, false},
		{"$aws/things/t1/jobs/j1/get", true, jobs.Topic{Thing: "t1", JobID: "j1", Op: jobs.OpDescribe}, true},
		{"$aws/things/t1/jobs/$next/get", true, jobs.Topic{Thing: "t1", JobID: "$next", Op: jobs.OpDescribe}, true},
		{"$aws/things/t1/jobs/get/get", true, jobs.Topic{Thing: "t1", JobID: "get", Op: jobs.OpDescribe}, true},
		{"$aws/things/t1/jobs/j1/update", true, jobs.Topic{Thing: "t1", JobID: "j1", Op: jobs.OpUpdate}, true},
		{"$aws/things/t1/jobs/j1/update/accepted", true, jobs.Topic{Thing: "t1", JobID: "j1", Op: jobs.OpUpdate, Suffix: "accepted"}, false},
		{"$aws/things/t1/jobs/notify", true, jobs.Topic{Thing: "t1", Op: jobs.OpNotify}, false},
		{"$aws/things/t1/jobs/notify-next", true, jobs.Topic{Thing: "t1", Op: jobs.OpNotifyNext}, false},
		{"$aws/things/t1/jobs/notify/accepted", false, jobs.Topic{}, false},
		{"$aws/things/t1/jobs/j1/delete", false, jobs.Topic{}, false},
		{"$aws/things/t1/jobs/j1/update/delta", false, jobs.Topic{}, false},
		{"$aws/things/+/jobs/get", false, jobs.Topic{}, false},
		{"$aws/things/t1/shadow/get", false, jobs.Topic{}, false},
	}
	for _, tt := range tests {
		got, ok := jobs.ParseTopic(tt.topic)
		if ok != tt.ok || got != tt.want || got.IsRequest() != tt.request {
			t.Errorf("%s: got %+v %v (request %v)", tt.topic, got, ok, got.IsRequest())
		}
		if ok && got.String() != tt.topic {
			t.Errorf("%s: String() = %s", tt.topic, got.String())
		}
	}
}
