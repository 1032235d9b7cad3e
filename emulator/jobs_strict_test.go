package emulator_test

import (
	"context"
	"encoding/json"
	"testing"

	paho5 "github.com/eclipse/paho.golang/paho"

	"github.com/iotemu/iotemu/testkit"
)

// jobsPolicy is AWS's basic job policy example for the thing jdev
// (MQTT statements; the account and region are the emulator's).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/basic-jobs-example.html
const jobsPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["iot:Connect"],"Resource":["arn:aws:iot:us-east-1:123456789012:client/jdev"]},
 {"Effect":"Allow","Action":["iot:Publish"],"Resource":[
   "arn:aws:iot:us-east-1:123456789012:topic/$aws/events/job/*",
   "arn:aws:iot:us-east-1:123456789012:topic/$aws/events/jobExecution/*",
   "arn:aws:iot:us-east-1:123456789012:topic/$aws/things/jdev/jobs/*"]},
 {"Effect":"Allow","Action":["iot:Subscribe"],"Resource":[
   "arn:aws:iot:us-east-1:123456789012:topicfilter/$aws/events/jobExecution/*",
   "arn:aws:iot:us-east-1:123456789012:topicfilter/$aws/things/jdev/jobs/*"]},
 {"Effect":"Allow","Action":["iot:Receive"],"Resource":[
   "arn:aws:iot:us-east-1:123456789012:topic/$aws/things/jdev/jobs/*"]}]}`

// TestJobsStrictPolicy: in strict mode, a device with AWS's basic job
// policy takes its own job over MQTT (start-next accepted), and is refused
// another thing's Jobs topics: PUBACK 0x87 for its start-next and SUBACK
// 0x87 for its notify-next, and that thing's execution stays QUEUED.
func TestJobsStrictPolicy(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithStrictAuth())
	d := emu.CreateDevice(t, "jdev", jobsPolicy)
	emu.CreateDevice(t, "jother", "")
	emu.CreateJob(t, "strict-job", `{"op":"update"}`, "jdev", "jother")

	c, received := connect5(t, dialTLS(t, emu, deviceTLS(d)), "jdev")
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	suback, err := c.Subscribe(ctx, &paho5.Subscribe{Subscriptions: []paho5.SubscribeOptions{
		{Topic: "$aws/things/jdev/jobs/start-next/accepted", QoS: 1},
		{Topic: "$aws/things/jother/jobs/notify-next", QoS: 1}}})
	if suback == nil || len(suback.Reasons) != 2 || suback.Reasons[0] != 1 || suback.Reasons[1] != 0x87 {
		t.Fatalf("SUBACK %+v (%v), want [1 0x87]", suback, err)
	}
	if resp, err := c.Publish(ctx, &paho5.Publish{Topic: "$aws/things/jother/jobs/start-next", QoS: 1, Payload: []byte(`{"clientToken":"x"}`)}); resp == nil || resp.ReasonCode != 0x87 {
		t.Fatalf("another thing's start-next: %+v %v, want PUBACK 0x87", resp, err)
	}
	if _, err := c.Publish(ctx, &paho5.Publish{Topic: "$aws/things/jdev/jobs/start-next", QoS: 1, Payload: []byte(`{"clientToken":"own"}`)}); err != nil {
		t.Fatalf("own start-next: %v", err)
	}
	select {
	case m := <-received:
		var reply struct {
			ClientToken string `json:"clientToken"`
			Execution   struct {
				JobID  string `json:"jobId"`
				Status string `json:"status"`
			} `json:"execution"`
		}
		if err := json.Unmarshal(m.Payload, &reply); err != nil || m.Topic != "$aws/things/jdev/jobs/start-next/accepted" ||
			reply.ClientToken != "own" || reply.Execution.JobID != "strict-job" || reply.Execution.Status != "IN_PROGRESS" {
			t.Fatalf("reply on %s: %s (%v)", m.Topic, m.Payload, err)
		}
	case <-ctx.Done():
		t.Fatal("no start-next reply")
	}
	if ex := emu.WaitJobExecution(t, "strict-job", "jother", "QUEUED", wait); ex.Status != "QUEUED" {
		t.Fatalf("the other thing's execution: %+v", ex)
	}
}
