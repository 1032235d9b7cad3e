// Package testkit runs iotemu inside Go tests, the way net/http/httptest
// runs an HTTP server: Start gives each test its own emulator on 127.0.0.1
// ports chosen by the system, closes it when the test ends, and fails the
// test (never panics) when something goes wrong.
//
// The handle returned by Start carries the endpoints for MQTT clients and
// AWS SDKs, the CA pool for TLS, client certificates, connected paho
// clients, and inboxes that wait for messages with a deadline.
//
//	emu := testkit.Start(t)
//	inbox := emu.Subscribe(t, "sensors/#")
//	dev := emu.Connect(t, "device-1")
//	dev.Publish(t, "sensors/temp", 1, false, []byte(`{"t":21}`))
//	msg := inbox.Next(t, 5*time.Second)
//
// To run iotemu in a container instead, see package testkit/container.
//
// Run a test with -testkit.serve to keep a failing test's emulator running,
// with its endpoints in the test log, for poking at it by hand.
package testkit
