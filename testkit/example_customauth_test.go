package testkit_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/testkit"
)

func ExampleWithAuthorizer() {
	t := &exampleT{}
	defer t.done()

	// The authorizer function: the token is the device's name.
	authorize := func(_ context.Context, req events.IoTCoreCustomAuthorizerRequest) (events.IoTCoreCustomAuthorizerResponse, error) {
		if req.Token == "" {
			return events.IoTCoreCustomAuthorizerResponse{IsAuthenticated: false}, nil
		}
		return events.IoTCoreCustomAuthorizerResponse{IsAuthenticated: true, PrincipalID: req.Token,
			PolicyDocuments: []*events.IAMPolicyDocument{{Version: "2012-10-17", Statement: []events.IAMPolicyStatement{
				{Effect: "Allow", Action: []string{"iot:Connect", "iot:Publish"}, Resource: []string{"*"}}}}}}, nil
	}
	emu := testkit.Start(t, testkit.WithStrictAuth(),
		testkit.WithAuthorizer(fixtures.Authorizer{Name: "tokens", TokenKeyName: "token", SigningDisabled: true}, authorize))

	inbox := emu.Subscribe(t, "devices/lamp")
	user := testkit.CustomAuthUsername("device", "tokens", "token", "lamp", nil)
	emu.Connect(t, "lamp", testkit.WithPahoOptions(func(o *paho.ClientOptions) { o.SetUsername(user) })).
		Publish(t, "devices/lamp", 1, false, []byte("on"))

	msg := inbox.Next(t, 5*time.Second)
	fmt.Println(user)
	fmt.Println(msg.Topic, string(msg.Payload))
	// Output:
	// device?token=lamp&x-amz-customauthorizer-name=tokens
	// devices/lamp on
}
