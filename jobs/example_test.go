package jobs_test

import (
	"context"
	"fmt"
	"time"

	"github.com/iotemu/iotemu/jobs"
)

// printer is a Publisher that prints every message.
type printer struct{}

func (printer) PublishTo(_ context.Context, client, topic string, payload []byte) error {
	fmt.Printf("to %s: %s %s\n", client, topic, payload)
	return nil
}

func (printer) Publish(_ context.Context, topic string, payload []byte) error {
	fmt.Printf("all: %s %s\n", topic, payload)
	return nil
}

// Example creates a job, lets the device take it with start-next over MQTT
// and report SUCCEEDED, then reads the job status.
func Example() {
	svc, err := jobs.New(jobs.Config{
		Region: "us-east-1", AccountID: "123456789012", Publisher: printer{},
		Now: func() time.Time { return time.Unix(1700000000, 0) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = svc.Close() }()
	ctx := context.Background()
	_, _ = svc.CreateJob(ctx, jobs.CreateJobInput{
		JobID:    "reboot",
		Targets:  []string{"arn:aws:iot:us-east-1:123456789012:thing/lamp"},
		Document: `{"operation":"reboot"}`,
	})
	_ = svc.HandleMQTT(ctx, "lamp-client", "$aws/things/lamp/jobs/start-next", []byte(`{"clientToken":"t1"}`))
	_ = svc.HandleMQTT(ctx, "lamp-client", "$aws/things/lamp/jobs/reboot/update", []byte(`{"status":"SUCCEEDED","expectedVersion":2,"clientToken":"t2"}`))
	out, _ := svc.DescribeJob(ctx, "reboot")
	fmt.Println(out.Job.Status, out.Job.JobProcessDetails.NumberOfSucceededThings)
	// Output:
	// all: $aws/things/lamp/jobs/notify {"timestamp":1700000000,"jobs":{"QUEUED":[{"jobId":"reboot","queuedAt":1700000000,"lastUpdatedAt":1700000000,"versionNumber":1,"executionNumber":1}]}}
	// all: $aws/things/lamp/jobs/notify-next {"timestamp":1700000000,"execution":{"jobId":"reboot","status":"QUEUED","queuedAt":1700000000,"lastUpdatedAt":1700000000,"versionNumber":1,"executionNumber":1,"jobDocument":{"operation":"reboot"}}}
	// to lamp-client: $aws/things/lamp/jobs/start-next/accepted {"timestamp":1700000000,"clientToken":"t1","execution":{"jobId":"reboot","status":"IN_PROGRESS","queuedAt":1700000000,"startedAt":1700000000,"lastUpdatedAt":1700000000,"versionNumber":2,"executionNumber":1,"jobDocument":{"operation":"reboot"}}}
	// to lamp-client: $aws/things/lamp/jobs/reboot/update/accepted {"clientToken":"t2","timestamp":1700000000}
	// all: $aws/things/lamp/jobs/notify {"timestamp":1700000000,"jobs":{}}
	// all: $aws/things/lamp/jobs/notify-next {"timestamp":1700000000}
	// COMPLETED 1
}
