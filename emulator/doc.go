// Package emulator is iotemu's composition root: one Server is one emulated
// AWS IoT Core endpoint. It composes the MQTT broker (internal/broker: mochi
// on TCP, TLS and WebSocket at /mqtt, with AWS's broker rules, reserved
// topics and lifecycle events); the HTTP API (internal/iotdata: publish,
// shadows, retained messages, connections; internal/controlplane: topic
// rules, things, certificates, policies, authorizers); the services (shadow, rules with
// their actions, apigw on its own port, the lambdafn registry); and, in strict
// mode, authorisation with policy, sigv4, registry and custom authorizers.
//
// What it does not emulate is listed in docs/compatibility.md: among others,
// AWS's rate limits, Device Defender and the other
// reserved-topic services without a backend, and IAM beyond configured
// credentials.
//
// Lifecycle: New validates a Config; Start binds every listener and returns
// when all accept connections; Close is idempotent and waits for every
// goroutine. Servers share no state, so tests run many in one process.
//
// Locking: Server.mu guards the lifecycle state, the bound listeners and the
// HTTP servers; it is never held while calling into the broker except in
// Start.
// The other components lock their own state (see ARCHITECTURE.md,
// "Concurrency").
package emulator
