package testkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/iotemu/iotemu/testkit"
)

// A rule's SQS action with no AWS endpoint configured: the emulator
// records the exact SendMessage it would have sent.
func ExampleEmulator_WaitActionRecord() {
	t := &exampleT{}
	defer t.done()

	emu := testkit.Start(t, testkit.WithTopicRule("toQueue", `{
		"sql": "SELECT temp FROM 'sensors/+'",
		"actions": [{"sqs": {"roleArn": "arn:aws:iam::123456789012:role/iot",
			"queueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/${topic(2)}"}}]
	}`))
	emu.Connect(t, "device-1").Publish(t, "sensors/d1", 1, false, []byte(`{"temp":21}`))

	rec := emu.WaitActionRecord(t, "toQueue", "sqs", 5*time.Second)
	req, _ := json.Marshal(rec.Request)
	fmt.Println(rec.Resource)
	fmt.Println(string(req))
	// Output:
	// https://sqs.us-east-1.amazonaws.com/123456789012/d1
	// {"service":"sqs","operation":"SendMessage","input":{"DelaySeconds":0,"MessageBody":"{\"temp\":21}","QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/d1"}}
}

type alert struct {
	Temp int `json:"temp"`
}

// A rule's Lambda action runs an aws-lambda-go handler registered with
// WithLambda (the registry the API Gateway mimic shares).
func ExampleWithLambda_rule() {
	t := &exampleT{}
	defer t.done()

	got := make(chan alert, 1)
	emu := testkit.Start(t,
		testkit.WithLambda("onHot", func(ctx context.Context, a alert) error { got <- a; return nil }),
		testkit.WithTopicRule("hot", `{
			"sql": "SELECT temp FROM 'sensors/+' WHERE temp > 30",
			"actions": [{"lambda": {"functionArn": "arn:aws:lambda:us-east-1:123456789012:function:onHot"}}]
		}`))
	emu.Connect(t, "device-1").Publish(t, "sensors/d1", 1, false, []byte(`{"temp":35}`))

	select {
	case a := <-got:
		fmt.Println("handler got", a.Temp)
	case <-time.After(5 * time.Second):
		t.Fatalf("no invocation")
	}
	// Output: handler got 35
}
