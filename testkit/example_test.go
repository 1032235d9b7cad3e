package testkit_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// exampleT stands in for the *testing.T of a real test so that the
// examples run; in a test, pass t.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (t *exampleT) Helper()                   {}
func (t *exampleT) Cleanup(f func())          { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Failed() bool              { return false }
func (t *exampleT) Log(...any)                {}
func (t *exampleT) Logf(string, ...any)       {}
func (t *exampleT) Errorf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
func (t *exampleT) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
func (t *exampleT) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

func ExampleStart() {
	t := &exampleT{}
	defer t.done()

	emu := testkit.Start(t)
	fmt.Println(strings.HasPrefix(emu.MQTTURL(), "mqtt://127.0.0.1:"))
	fmt.Println(strings.HasPrefix(emu.Endpoint(), "http://127.0.0.1:"))
	// Output:
	// true
	// true
}

func ExampleWithConfig() {
	t := &exampleT{}
	defer t.done()

	emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) {
		c.HTTPS.Disabled = true
	}))
	fmt.Printf("%q\n", emu.HTTPSEndpoint())
	// Output: ""
}

func ExampleEmulator_Connect() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)

	dashboard := emu.Connect(t, "dashboard")
	inbox := dashboard.Subscribe(t, "sensors/+/temperature", 1)
	device := emu.Connect(t, "device-1")
	device.Publish(t, "sensors/device-1/temperature", 1, false, []byte(`{"celsius":21.5}`))

	msg := inbox.Next(t, 5*time.Second)
	fmt.Println(msg.Topic, string(msg.Payload))
	// Output: sensors/device-1/temperature {"celsius":21.5}
}

func ExampleEmulator_OverTLS() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)

	// A device on MQTT over TLS with a client certificate from the emulator's CA.
	device := emu.Connect(t, "device-1", emu.OverTLS(t))
	device.Publish(t, "telemetry", 0, false, []byte("ok"))
	fmt.Println(device.Paho().IsConnected())
	// Output: true
}

func ExampleEmulator_OverWebSocket() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)

	browserLike := emu.Connect(t, "web", emu.OverWebSocket())
	fmt.Println(browserLike.Paho().IsConnected())
	// Output: true
}

func ExampleEmulator_Subscribe() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)

	// Observe inside the emulator, without an MQTT client of the test's own.
	inbox := emu.Subscribe(t, "alerts/#")
	emu.Publish(t, emulator.Message{Topic: "alerts/fire", Payload: []byte("!")})
	fmt.Println(inbox.Next(t, time.Second).Topic)
	// Output: alerts/fire
}

func ExampleEmulator_Endpoint() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)
	inbox := emu.Subscribe(t, "from/http")

	// The AWS SDK for Go v2, pointed at the emulator with BaseEndpoint.
	client := iotdataplane.New(iotdataplane.Options{
		BaseEndpoint: aws.String(emu.Endpoint()),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
	})
	_, err := client.Publish(context.Background(), &iotdataplane.PublishInput{
		Topic: aws.String("from/http"), Qos: 1, Payload: []byte(`{"ok":true}`),
	})
	fmt.Println(err, string(inbox.Next(t, 5*time.Second).Payload))
	// Output: <nil> {"ok":true}
}

func ExampleEmulator_TLSConfig() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)

	// Any HTTPS client trusting the emulator's CA reaches the HTTPS port.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: emu.TLSConfig(t, "backend")}}
	resp, err := hc.Get(emu.HTTPSEndpoint() + "/health")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	hc.CloseIdleConnections()
	fmt.Println(resp.Status)
	// Output: 200 OK
}

func ExampleEmulator_ClientCertificate() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)

	cert := emu.ClientCertificate(t, "thing-42")
	fmt.Println(cert.Leaf.Subject.CommonName)
	// Output: thing-42
}

func ExampleInbox_Wait() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)

	inbox := emu.Subscribe(t, "quiet")
	_, ok := inbox.Wait(10 * time.Millisecond)
	fmt.Println(ok, inbox.Len())
	// Output: false 0
}

func ExampleEventually() {
	t := &exampleT{}
	defer t.done()
	emu := testkit.Start(t)
	inbox := emu.Subscribe(t, "count")
	for range 3 {
		emu.Publish(t, emulator.Message{Topic: "count"})
	}

	testkit.Eventually(t, time.Second, func() error {
		if inbox.Len() < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	fmt.Println(inbox.Len())
	// Output: 3
}

func ExampleWithLogLevel() {
	t := &exampleT{}
	defer t.done()
	// Debug logs of the emulator go to the test log (go test -v shows them).
	emu := testkit.Start(t, testkit.WithLogLevel(slog.LevelDebug))
	fmt.Println(emu.Server() != nil)
	// Output: true
}
