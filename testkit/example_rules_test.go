package testkit_test

import (
	"fmt"
	"time"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/testkit"
)

func ExampleWithRule() {
	t := &exampleT{}
	defer t.done()

	emu := testkit.Start(t, testkit.WithRule("hot",
		"SELECT celsius, topic(2) AS device FROM 'sensors/+' WHERE celsius > 30",
		rules.Republish{Topic: "alerts/${topic(2)}", QoS: 1}))
	alerts := emu.Connect(t, "dashboard").Subscribe(t, "alerts/#", 1)
	device := emu.Connect(t, "device-1")
	device.Publish(t, "sensors/device-1", 1, false, []byte(`{"celsius":35}`))

	msg := alerts.Next(t, 5*time.Second)
	fmt.Println(msg.Topic, string(msg.Payload))
	// Output: alerts/device-1 {"celsius":35,"device":"device-1"}
}

func ExampleWithRules() {
	t := &exampleT{}
	defer t.done()

	rec := &rules.Recorder{}
	emu := testkit.Start(t, testkit.WithRules(rules.Rule{
		Name:       "enrich",
		SQL:        "SELECT VALUE {'id': topic(2), 'f': round(celsius * 9 / 5 + 32)} FROM 'sensors/+'",
		SQLVersion: "2016-03-23",
		Actions:    []rules.Action{rec},
	}))
	emu.Connect(t, "device-1").Publish(t, "sensors/d1", 1, false, []byte(`{"celsius":20}`))

	outs, err := rec.WaitN(1, 5*time.Second)
	if err != nil {
		t.Fatalf("%v", err)
	}
	fmt.Println(string(outs[0].Payload))
	// Output: {"id":"d1","f":68}
}

func ExampleWithTopicRule() {
	t := &exampleT{}
	defer t.done()

	emu := testkit.Start(t, testkit.WithTopicRule("forward", `{
		"sql": "SELECT * FROM 'in/#'",
		"awsIotSqlVersion": "2016-03-23",
		"actions": [{"republish": {"roleArn": "arn:aws:iam::123456789012:role/iot", "topic": "out/${topic(2)}"}}]
	}`))
	out := emu.Connect(t, "sub").Subscribe(t, "out/#", 1)
	emu.Connect(t, "device").Publish(t, "in/a", 1, false, []byte(`{"x":1}`))

	msg := out.Next(t, 5*time.Second)
	fmt.Println(msg.Topic, string(msg.Payload))
	// Output: out/a {"x":1}
}

func ExampleEmulator_AddRule() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)

	emu.AddRule(t, "copy", "SELECT * FROM 'a'", rules.Republish{Topic: "b"})
	inbox := emu.Connect(t, "sub").Subscribe(t, "b", 1)
	emu.Connect(t, "pub").Publish(t, "a", 1, false, []byte(`{"n":1}`))

	fmt.Println(string(inbox.Next(t, 5*time.Second).Payload))
	// Output: {"n":1}
}

func ExampleEmulator_RecordRule() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)

	rec := emu.RecordRule(t, "low_battery", "2016-03-23",
		"SELECT clientid() AS device, battery FROM 'telemetry' WHERE battery < 20")
	device := emu.Connect(t, "device-7")
	device.Publish(t, "telemetry", 1, false, []byte(`{"battery":80}`))
	device.Publish(t, "telemetry", 1, false, []byte(`{"battery":15}`))

	outs, err := rec.WaitN(1, 5*time.Second)
	if err != nil {
		t.Fatalf("%v", err)
	}
	fmt.Println(len(outs), string(outs[0].Payload))
	// Output: 1 {"device":"device-7","battery":15}
}

func ExampleEmulator_RemoveRule() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t, testkit.WithRule("temp", "SELECT * FROM 'a'"))

	emu.RemoveRule(t, "temp")
	fmt.Println(len(emu.Server().Rules().List()))
	// Output: 0
}
