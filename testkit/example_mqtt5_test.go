package testkit_test

import (
	"fmt"
	"time"

	paho5 "github.com/eclipse/paho.golang/paho"

	"github.com/iotemu/iotemu/testkit"
)

func ExampleEmulator_Connect5() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)

	c := emu.Connect5(t, &paho5.Connect{ClientID: "device-5", CleanStart: true, KeepAlive: 30})
	fmt.Println("maximum QoS:", *c.Connack().Properties.MaximumQoS)
	c.Subscribe(t, "cmd/device-5", 1)
	c.Publish(t, &paho5.Publish{Topic: "cmd/device-5", QoS: 1, Payload: []byte("reboot"),
		Properties: &paho5.PublishProperties{ContentType: "text/plain"}})
	m := c.Received().Next(t, 5*time.Second)
	fmt.Println(m.Topic, string(m.Payload), m.Publish5.Properties.ContentType)
	// Output:
	// maximum QoS: 1
	// cmd/device-5 reboot text/plain
}

func ExampleEmulator_Dial5() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)

	// AWS reserves client IDs starting with $.
	c, err := emu.Dial5(t, &paho5.Connect{ClientID: "$reserved", CleanStart: true, KeepAlive: 30})
	fmt.Printf("refused: %v, reason code %#x\n", err != nil, c.Connack().ReasonCode)
	// Output: refused: true, reason code 0x85
}
