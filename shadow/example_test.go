package shadow_test

import (
	"context"
	"fmt"
	"time"

	"github.com/iotemu/iotemu/shadow"
)

// Example shows a device reporting over MQTT and an application setting
// desired state over REST; the delta is published to the device.
func Example() {
	publisher := shadow.PublisherFunc(func(_ context.Context, topic string, payload []byte) error {
		fmt.Printf("%s %s\n", topic, payload)
		return nil
	})
	svc, err := shadow.New(shadow.Config{
		Publisher: publisher,
		Now:       func() time.Time { return time.Unix(1700000000, 0) },
		Compat:    shadow.Compat{RESTDeltaOnly: true},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	_ = svc.HandleMQTT(ctx, "$aws/things/lamp/shadow/update", []byte(`{"state":{"reported":{"on":false}},"clientToken":"c1"}`))
	body, _ := svc.Update(ctx, "lamp", "", []byte(`{"state":{"desired":{"on":true}}}`))
	fmt.Printf("HTTP 200 %s\n", body)
	_, err = svc.Get(ctx, "lamp", "other")
	e := shadow.AsError(err)
	fmt.Println(e.HTTPStatus(), e.ErrorType(), e.Message)
	// Output:
	// $aws/things/lamp/shadow/update/accepted {"state":{"reported":{"on":false}},"metadata":{"reported":{"on":{"timestamp":1700000000}}},"version":1,"timestamp":1700000000,"clientToken":"c1"}
	// $aws/things/lamp/shadow/update/documents {"clientToken":"c1","current":{"state":{"reported":{"on":false}},"metadata":{"reported":{"on":{"timestamp":1700000000}}},"version":1},"previous":null,"timestamp":1700000000}
	// $aws/things/lamp/shadow/update/delta {"version":2,"timestamp":1700000000,"state":{"on":true},"metadata":{"on":{"timestamp":1700000000}}}
	// HTTP 200 {"state":{"desired":{"on":true}},"metadata":{"desired":{"on":{"timestamp":1700000000}}},"version":2,"timestamp":1700000000}
	// 404 ResourceNotFoundException No shadow exists with name: 'lamp~other'
}
