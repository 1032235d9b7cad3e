// Package emulator is iotemu's composition root: one Server is one emulated
// AWS IoT Core endpoint, with its MQTT broker (mochi-mqtt) on TCP, TLS and
// WebSocket, and its HTTPS data plane (iot-data).
//
// What it emulates: MQTT 3.1.1 and 5 as AWS IoT Core runs them (QoS 0 and 1),
// MQTT over WebSocket at /mqtt, TLS with client certificates signed by the
// emulator's CA, and the iot-data Publish operation with AWS's wire format.
// What it does not (yet): AWS's broker limits and reserved topics beyond
// topic validation, policies and SigV4 verification (permissive mode admits
// everyone); see docs/compatibility.md.
//
// Lifecycle: New validates a Config; Start binds every listener and returns
// when all accept connections; Close is idempotent and waits for every
// goroutine. Servers share no state, so tests run many in one process.
//
// Locking: Server.mu guards the lifecycle state, the bound listeners and the
// HTTP servers; it is never held while calling into mochi except in Start.
package emulator
