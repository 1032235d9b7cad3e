package testkit_test

// The Go snippets of README.md, compiled and run. Each snippet appears here
// verbatim (TestREADMEGoBlocksAreTested checks it), inside a test that
// gives it what it needs and asserts what the README says it does.

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/fixtures"
	customauth "github.com/iotemu/iotemu/fixtures/examples/custom-auth"
	"github.com/iotemu/iotemu/testkit"
)

// README "Quick start: Go tests".
func TestDeviceTelemetry(t *testing.T) {
	emu := testkit.Start(t) // fresh emulator on 127.0.0.1, closed when the test ends
	inbox := emu.Connect(t, "dashboard").Subscribe(t, "sensors/#", 1)

	device := emu.Connect(t, "device-1", emu.OverTLS(t)) // mTLS with a certificate from the emulator's CA
	device.Publish(t, "sensors/device-1", 1, false, []byte(`{"celsius":21.5}`))

	msg := inbox.Next(t, 5*time.Second) // waits with a deadline, never sleeps
	if string(msg.Payload) != `{"celsius":21.5}` {
		t.Errorf("got %s, want the device's reading", msg.Payload)
	}
	// AWS SDK v2 clients take emu.Endpoint() as BaseEndpoint; MQTT clients take emu.MQTTURL().
}

// README "Rules engine".
func TestREADMERuleRecorder(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	rec := emu.RecordRule(t, "hot", "2016-03-23", "SELECT celsius FROM 'sensors/+' WHERE celsius > 30")
	emu.Connect(t, "dev").Publish(t, "sensors/kitchen", 1, false, []byte(`{"celsius":35}`))
	outs, err := rec.WaitN(1, 5*time.Second) // outs[0].Payload is {"celsius":35}
	if err != nil {
		t.Fatal(err)
	}
	if string(outs[0].Payload) != `{"celsius":35}` {
		t.Errorf("got %s, want {\"celsius\":35}", outs[0].Payload)
	}
}

// README "API Gateway WebSocket APIs".
func TestREADMEWebSocketAPI(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t,
		testkit.WithLambda("chat", func(ctx context.Context, ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
			return events.APIGatewayProxyResponse{StatusCode: 200, Body: "echo: " + ev.Body}, nil // the handler you give lambda.Start
		}),
		testkit.WithWebSocketAPI(apigw.API{Stage: "prod", Routes: []apigw.Route{
			{Key: "$default", Integration: apigw.Function("chat"), TwoWay: true}, // TwoWay: a $default route response
		}}),
	)
	ws, _, _ := websocket.DefaultDialer.Dial(emu.WebSocketAPIURL("prod"), nil) // ws://127.0.0.1:port/prod
	// Backends push with the SDK: apigatewaymanagementapi BaseEndpoint = emu.ConnectionsEndpoint("prod"),
	// or from Go: emu.APIGateway().PostToConnection(ctx, connectionID, data).
	if ws == nil {
		t.Fatal("dial failed")
	}
	defer ws.Close()
	if err := ws.WriteMessage(websocket.TextMessage, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, got, err := ws.ReadMessage(); err != nil || string(got) != "echo: hi" {
		t.Fatalf("got %q, %v, want the route response \"echo: hi\"", got, err)
	}
	conns := emu.APIGateway().Connections()
	if len(conns) != 1 {
		t.Fatalf("got %d connections, want 1", len(conns))
	}
	if err := emu.APIGateway().PostToConnection(t.Context(), conns[0].ConnectionID, []byte("pushed")); err != nil {
		t.Fatal(err)
	}
	if _, got, err := ws.ReadMessage(); err != nil || string(got) != "pushed" {
		t.Fatalf("got %q, %v, want the pushed message", got, err)
	}
}

// README "Custom authorizers: JWT bearer tokens".
func TestREADMECustomAuthorizer(t *testing.T) {
	t.Parallel()
	secret := []byte("readme-secret")
	jwt := customauth.Sign(customauth.Claims{Sub: "sensor1", Exp: time.Now().Add(time.Hour).Unix()}, secret)
	emu := testkit.Start(t, testkit.WithStrictAuth(),
		testkit.WithAuthorizer(fixtures.Authorizer{Name: "jwt", TokenKeyName: "token", SigningDisabled: true},
			customauth.Authorizer(secret, nil)))
	user := testkit.CustomAuthUsername("device", "jwt", "token", jwt, nil)
	emu.Connect(t, "sensor1", testkit.WithPahoOptions(func(o *paho.ClientOptions) { o.SetUsername(user) }))
	watch := emu.Subscribe(t, "devices/sensor1/#")
	dev := emu.Connect(t, "sensor1", testkit.WithPahoOptions(func(o *paho.ClientOptions) { o.SetUsername(user) }))
	dev.Publish(t, "devices/sensor1/telemetry", 1, false, []byte(`{"t":21.5}`))
	if got := watch.Next(t, 5*time.Second); !strings.HasPrefix(got.Topic, "devices/sensor1/") {
		t.Fatalf("got %s", got.Topic)
	}
}

// README "Clock": a quiet device's keep-alive ends on the fake clock, not in
// real time.
func TestREADMEFakeClockKeepAlive(t *testing.T) {
	t.Parallel()
	fake := testkit.NewFakeClock() // a *clock.Fake at the wall clock's present
	emu := testkit.Start(t, testkit.WithClock(fake))

	// The quiet device: paho's own pings are on the wall clock, 30 s away.
	// Wait until its keep-alive deadline is armed on the fake clock.
	events := emu.Subscribe(t, "$aws/events/presence/disconnected/quiet-1")
	armed := len(fake.Deadlines()) // the emulator's own sweeps and tickers
	emu.Connect(t, "quiet-1", func(o *paho.ClientOptions) { o.SetKeepAlive(30 * time.Second); o.SetAutoReconnect(false) })
	testkit.Eventually(t, 5*time.Second, func() error {
		if len(fake.Deadlines()) <= armed {
			return errors.New("keep-alive deadline not armed yet")
		}
		return nil
	})

	fake.Advance(46 * time.Second) // its connection ends: MQTT_KEEP_ALIVE_TIMEOUT
	if msg := events.Next(t, 5*time.Second); !strings.Contains(string(msg.Payload), "MQTT_KEEP_ALIVE_TIMEOUT") {
		t.Fatalf("disconnected event %s, want MQTT_KEEP_ALIVE_TIMEOUT", msg.Payload)
	}
}
