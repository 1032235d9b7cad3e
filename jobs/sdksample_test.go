package jobs_test

import (
	"slices"
	"testing"
	"time"
)

// step is one device publish and the messages it must cause, in order.
type step struct {
	suffix, payload string
	want            []message
}

// TestDeviceSDKJobsSample replays the topic sequence of the AWS IoT Device
// SDK's jobs sample (get → start-next → update IN_PROGRESS → update
// SUCCEEDED → notify-next with the next job → ... → notify-next empty →
// start-next without execution), with the v1 SDK's string numbers.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-comm-notifications.html#jobs-comm-pending
func TestDeviceSDKJobsSample(t *testing.T) {
	e := newEnv(t)
	e.createJob(t, "job1", nil, "thing1")
	e.clk.Advance(time.Second)
	e.createJob(t, "job2", nil, "thing1")
	created := e.pub.take()
	if got := topics(created); !slices.Equal(got, []string{
		"$aws/things/thing1/jobs/notify", "$aws/things/thing1/jobs/notify-next", "$aws/things/thing1/jobs/notify",
	}) {
		t.Fatalf("creation topics: %v", got)
	}
	jsonEqual(t, "second notify", created[2].Payload, `{"timestamp":1700000001,"jobs":{"QUEUED":[
		{"jobId":"job1","queuedAt":1700000000,"lastUpdatedAt":1700000000,"versionNumber":1,"executionNumber":1},
		{"jobId":"job2","queuedAt":1700000001,"lastUpdatedAt":1700000001,"versionNumber":1,"executionNumber":1}]}}`)
	e.clk.Advance(time.Second) // 1700000002
	const p = "$aws/things/thing1/jobs/"
	steps := []step{
		{"get", `{"clientToken":"tok"}`, []message{{"c-thing1", p + "get/accepted", `{"timestamp":1700000002,"clientToken":"tok","inProgressJobs":[],"queuedJobs":[
			{"jobId":"job1","queuedAt":1700000000,"lastUpdatedAt":1700000000,"versionNumber":1,"executionNumber":1},
			{"jobId":"job2","queuedAt":1700000001,"lastUpdatedAt":1700000001,"versionNumber":1,"executionNumber":1}]}`}}},
		{"start-next", `{"clientToken":"tok"}`, []message{{"c-thing1", p + "start-next/accepted", `{"timestamp":1700000002,"clientToken":"tok","execution":{
			"jobId":"job1","status":"IN_PROGRESS","queuedAt":1700000000,"startedAt":1700000002,"lastUpdatedAt":1700000002,"versionNumber":2,"executionNumber":1,"jobDocument":{"operation":"job1"}}}`}}},
		{"job1/update", `{"status":"IN_PROGRESS","statusDetails":{"HandledBy":"tok"},"expectedVersion":"2","executionNumber":"1","clientToken":"tok"}`,
			[]message{{"c-thing1", p + "job1/update/accepted", `{"clientToken":"tok","timestamp":1700000002}`}}},
		{"job1/update", `{"status":"SUCCEEDED","expectedVersion":"3","executionNumber":"1","clientToken":"tok"}`, []message{
			{"c-thing1", p + "job1/update/accepted", `{"clientToken":"tok","timestamp":1700000002}`},
			{"", p + "notify", `{"timestamp":1700000002,"jobs":{"QUEUED":[{"jobId":"job2","queuedAt":1700000001,"lastUpdatedAt":1700000001,"versionNumber":1,"executionNumber":1}]}}`},
			{"", p + "notify-next", `{"timestamp":1700000002,"execution":{"jobId":"job2","status":"QUEUED","queuedAt":1700000001,"lastUpdatedAt":1700000001,"versionNumber":1,"executionNumber":1,"jobDocument":{"operation":"job2"}}}`},
		}},
		{"start-next", `{}`, []message{{"c-thing1", p + "start-next/accepted", `{"timestamp":1700000002,"execution":{
			"jobId":"job2","status":"IN_PROGRESS","queuedAt":1700000001,"startedAt":1700000002,"lastUpdatedAt":1700000002,"versionNumber":2,"executionNumber":1,"jobDocument":{"operation":"job2"}}}`}}},
		{"job2/update", `{"status":"SUCCEEDED","expectedVersion":2,"clientToken":"tok2"}`, []message{
			{"c-thing1", p + "job2/update/accepted", `{"clientToken":"tok2","timestamp":1700000002}`},
			{"", p + "notify", `{"timestamp":1700000002,"jobs":{}}`},
			{"", p + "notify-next", `{"timestamp":1700000002}`},
		}},
		{"start-next", ``, []message{{"c-thing1", p + "start-next/accepted", `{"timestamp":1700000002}`}}},
	}
	for i, s := range steps {
		got := e.mqtt(t, "thing1", s.suffix, s.payload)
		if len(got) < len(s.want) {
			t.Fatalf("step %d %s: got %v, want %d messages", i, s.suffix, topics(got), len(s.want))
		}
		for k, w := range s.want {
			if got[k].Topic != w.Topic || got[k].Client != w.Client {
				t.Fatalf("step %d %s message %d: got %s to %q, want %s to %q", i, s.suffix, k, got[k].Topic, got[k].Client, w.Topic, w.Client)
			}
			jsonEqual(t, w.Topic, got[k].Payload, w.Payload)
		}
		if extra := got[len(s.want):]; len(extra) > 0 && !onlyEvents(extra) {
			t.Fatalf("step %d %s: unexpected %v", i, s.suffix, topics(extra))
		}
	}
}

// onlyEvents reports whether every message is an $aws/events message.
func onlyEvents(msgs []message) bool {
	for _, m := range msgs {
		if len(m.Topic) < 12 || m.Topic[:12] != "$aws/events/" {
			return false
		}
	}
	return true
}
