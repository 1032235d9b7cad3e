package emulator_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// jobsWait bounds each wait for a Jobs reply.
const jobsWait = 10 * time.Second

// TestJobsSampleSequenceAWSCLI drives the topic sequence of the AWS IoT
// Device SDK's jobs sample over paho (get → start-next → update SUCCEEDED
// → notify-next with the next job → …), with the jobs created and read
// back by the AWS CLI, and the iot-jobs-data API by the CLI too. Replies
// go to the requesting client alone: another subscriber of the same
// accepted topic receives none of them (a sentinel proves it).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#jobs-mqtt-api
func TestJobsSampleSequenceAWSCLI(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithThing("dev1", nil))
	aws := func(args ...string) map[string]any { t.Helper(); return cliJSONAt(t, emu.Endpoint(), args...) }
	thing := "arn:aws:iot:us-east-1:123456789012:thing/dev1"
	for _, id := range []string{"job-1", "job-2"} {
		aws("iot", "create-job", "--job-id", id, "--targets", thing, "--document", `{"operation":"`+id+`"}`)
	}

	spy := emu.Connect(t, "spy").Subscribe(t, "$aws/things/dev1/jobs/#", 1)
	dev := emu.Connect(t, "dev1")
	notify := dev.Subscribe(t, "$aws/things/dev1/jobs/notify-next", 1)
	gets := dev.Subscribe(t, "$aws/things/dev1/jobs/get/accepted", 1)
	starts := dev.Subscribe(t, "$aws/things/dev1/jobs/start-next/accepted", 1)
	updates := dev.Subscribe(t, "$aws/things/dev1/jobs/+/update/accepted", 1)

	dev.Publish(t, "$aws/things/dev1/jobs/get", 1, false, []byte(`{"clientToken":"t1"}`))
	got := decodeReply(t, gets.Next(t, jobsWait), "$aws/things/dev1/jobs/get/accepted")
	if q, _ := got["queuedJobs"].([]any); len(q) != 2 || got["clientToken"] != "t1" {
		t.Fatalf("get/accepted: %v, want two queued jobs and the clientToken", got)
	}
	for i, id := range []string{"job-1", "job-2"} {
		dev.Publish(t, "$aws/things/dev1/jobs/start-next", 1, false, []byte(`{"clientToken":"s`+id+`"}`))
		got = decodeReply(t, starts.Next(t, jobsWait), "$aws/things/dev1/jobs/start-next/accepted")
		exec, _ := got["execution"].(map[string]any)
		if exec["jobId"] != id || exec["status"] != "IN_PROGRESS" || !strings.Contains(jsonString(exec["jobDocument"]), id) {
			t.Fatalf("start-next %d: %v, want %s IN_PROGRESS with its document", i, got, id)
		}
		update := fmt.Sprintf(`{"status":"SUCCEEDED","expectedVersion":%v}`, exec["versionNumber"])
		dev.Publish(t, "$aws/things/dev1/jobs/"+id+"/update", 1, false, []byte(update))
		decodeReply(t, updates.Next(t, jobsWait), "$aws/things/dev1/jobs/"+id+"/update/accepted")
		next := decodeReply(t, notify.Next(t, jobsWait), "$aws/things/dev1/jobs/notify-next")
		exec, _ = next["execution"].(map[string]any)
		if i == 0 && exec["jobId"] != "job-2" || i == 1 && exec != nil {
			t.Fatalf("notify-next after %s: %v", id, next)
		}
	}
	if d := aws("iot", "describe-job", "--job-id", "job-1"); d["job"].(map[string]any)["status"] != "COMPLETED" {
		t.Errorf("describe-job job-1: %v, want COMPLETED", d)
	}
	pending := aws("iot-jobs-data", "get-pending-job-executions", "--thing-name", "dev1")
	if q, _ := pending["queuedJobs"].([]any); len(q) != 0 {
		t.Errorf("iot-jobs-data get-pending-job-executions: %v, want none left", pending)
	}

	// The spy saw the notify-next pushes but no accepted reply: after a
	// sentinel on a topic it subscribes to, its inbox holds notify-next only.
	emu.Publish(t, emulator.Message{Topic: "$aws/things/dev1/jobs/notify-next", Payload: []byte(`{"sentinel":true}`), QoS: 1})
	for {
		m := spy.Next(t, jobsWait)
		if strings.Contains(m.Topic, "/accepted") || strings.Contains(m.Topic, "/rejected") {
			t.Fatalf("spy received the reply %s meant for dev1", m.Topic)
		}
		if strings.Contains(string(m.Payload), "sentinel") {
			break
		}
	}
}

func decodeReply(t *testing.T, m testkit.Message, topic string) map[string]any {
	t.Helper()
	if m.Topic != topic {
		t.Fatalf("got a message on %s (%s), want %s", m.Topic, m.Payload, topic)
	}
	var out map[string]any
	if err := json.Unmarshal(m.Payload, &out); err != nil {
		t.Fatalf("%s: %v: %s", topic, err, m.Payload)
	}
	return out
}

func jsonString(v any) string { b, _ := json.Marshal(v); return string(b) }
