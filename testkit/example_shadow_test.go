package testkit_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/iotemu/iotemu/testkit"
)

func ExampleWithShadow() {
	t := &exampleT{}
	defer t.done()

	// The device starts with a known reported state and a pending desired one.
	emu := testkit.Start(t,
		testkit.WithShadow("lamp-1", "", `{"state":{"desired":{"on":true},"reported":{"on":false}}}`),
		testkit.WithNow(func() time.Time { return time.Unix(1700000000, 0) }),
	)
	fmt.Println(string(emu.GetShadow(t, "lamp-1", "")))
	// Output: {"state":{"desired":{"on":true},"reported":{"on":false},"delta":{"on":true}},"metadata":{"desired":{"on":{"timestamp":1700000000}},"reported":{"on":{"timestamp":1700000000}}},"version":1,"timestamp":1700000000}
}

func ExampleWithFixtures() {
	t := &exampleT{}
	defer t.done()
	dir, _ := os.MkdirTemp("", "fixtures")
	defer func() { _ = os.RemoveAll(dir) }() // a temporary folder; the OS cleans up what is left
	path := filepath.Join(dir, "devices.yaml")
	_ = os.WriteFile(path, []byte(`
shadows:
  - thing: thermostat
    name: schedule
    document: {state: {reported: {mode: eco}}, version: 4}
`), 0o600)

	emu := testkit.Start(t, testkit.WithFixtures(path))
	fmt.Println(len(emu.GetShadow(t, "thermostat", "schedule")) > 0)
	// Output: true
}

func ExampleWithNow() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t, testkit.WithNow(func() time.Time { return time.Unix(1700000000, 0) }))

	fmt.Println(string(emu.UpdateShadow(t, "lamp-1", "", `{"state":{"reported":{"on":true}}}`)))
	// Output: {"state":{"reported":{"on":true}},"metadata":{"reported":{"on":{"timestamp":1700000000}}},"version":1,"timestamp":1700000000}
}

func ExampleEmulator_SetShadow() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t, testkit.WithNow(func() time.Time { return time.Unix(1700000000, 0) }))

	emu.SetShadow(t, "pump", "", `{"state":{"reported":{"rpm":1200}},"version":9}`)
	fmt.Println(string(emu.GetShadow(t, "pump", "")))
	// Output: {"state":{"reported":{"rpm":1200}},"metadata":{"reported":{"rpm":{"timestamp":1700000000}}},"version":9,"timestamp":1700000000}
}

func ExampleEmulator_GetShadow() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)
	device := emu.Connect(t, "pump")
	accepted := device.Subscribe(t, "$aws/things/pump/shadow/update/accepted", 1)

	// The device reports over MQTT; the test reads the stored shadow from Go.
	device.Publish(t, "$aws/things/pump/shadow/update", 1, false, []byte(`{"state":{"reported":{"rpm":900}}}`))
	accepted.Next(t, 5*time.Second)
	fmt.Println(len(emu.GetShadow(t, "pump", "")) > 0)
	// Output: true
}

func ExampleEmulator_UpdateShadow() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)
	device := emu.Connect(t, "lamp-1")
	delta := device.Subscribe(t, "$aws/things/lamp-1/shadow/update/delta", 1)

	// A backend changes the desired state; the device receives the delta.
	emu.UpdateShadow(t, "lamp-1", "", `{"state":{"desired":{"on":true}}}`)
	fmt.Println(delta.Next(t, 5*time.Second).Topic)
	// Output: $aws/things/lamp-1/shadow/update/delta
}
