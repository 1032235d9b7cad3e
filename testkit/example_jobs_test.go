package testkit_test

import (
	"fmt"
	"time"

	"github.com/iotemu/iotemu/testkit"
)

// ExampleEmulator_WaitJobExecution: a job for a device, the device takes
// it and reports success over MQTT, the test waits for the execution's
// status.
func ExampleEmulator_WaitJobExecution() {
	t := &exampleT{}
	defer t.done()

	emu := testkit.Start(t, testkit.WithThing("dev1", nil))
	emu.CreateJob(t, "ota-1", `{"operation":"update"}`, "dev1")

	dev := emu.Connect(t, "dev1")
	started := dev.Subscribe(t, "$aws/things/dev1/jobs/start-next/accepted", 1)
	dev.Publish(t, "$aws/things/dev1/jobs/start-next", 1, false, []byte(`{}`))
	started.Next(t, 5*time.Second)
	dev.Publish(t, "$aws/things/dev1/jobs/ota-1/update", 1, false, []byte(`{"status":"SUCCEEDED"}`))

	exec := emu.WaitJobExecution(t, "ota-1", "dev1", "SUCCEEDED", 5*time.Second)
	fmt.Println(exec.JobID, exec.Status)
	// Output: ota-1 SUCCEEDED
}
