package testkit_test

import (
	"fmt"
	"time"

	"github.com/iotemu/iotemu/testkit"
)

func ExampleEmulator_CreateDevice() {
	t := &exampleT{}
	defer t.done()

	emu := testkit.Start(t)
	dev := emu.CreateDevice(t, "sensor-1", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iot:Connect","iot:Publish","iot:Subscribe","iot:Receive"],"Resource":"*"}]}`)

	client := emu.Connect(t, dev.ThingName, emu.AsDevice(dev))
	inbox := client.Subscribe(t, "sensors/#", 1)
	client.Publish(t, "sensors/sensor-1", 1, false, []byte(`{"celsius":21}`))

	msg := inbox.Next(t, 5*time.Second)
	id, _ := emu.Registry().IdentityForCertificate(dev.Certificate.Leaf.Raw, dev.ThingName)
	fmt.Println(msg.Topic, string(msg.Payload))
	fmt.Println(id.Certificate.Status, id.ThingAttached, id.Policies[0].Name)
	// Output:
	// sensors/sensor-1 {"celsius":21}
	// ACTIVE true sensor-1-policy
}

func ExampleWithThing() {
	t := &exampleT{}
	defer t.done()

	emu := testkit.Start(t,
		testkit.WithThing("lamp", map[string]string{"room": "kitchen"}),
		testkit.WithPolicy("lamps", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*"}}`))

	thing, _ := emu.Registry().DescribeThing("lamp")
	policy, _ := emu.Registry().GetPolicy("lamps")
	fmt.Println(thing.Name, thing.Attributes["room"], thing.Version, policy.DefaultVersionID)
	// Output: lamp kitchen 1 1
}
