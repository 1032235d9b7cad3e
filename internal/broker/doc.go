// Package broker is the emulated AWS IoT Core message broker, the only
// package of the module that imports mochi (github.com/mochi-mqtt/server/v2).
//
// Emulated, as AWS's message broker does it:
//   - MQTT 3.1.1 and 5 over TCP, TLS and WebSocket (listener.go,
//     brokerconn.go, websocket.go), with AWS's CONNACK properties, limits
//     and keep-alive clamping (broker.go, limits.go);
//   - AWS's inbound checks, applied by the one mochi hook before mochi acts
//     (hook.go, inbound.go): no QoS 2, payload and topic limits, reserved
//     topics (reserved.go, the table services plug their handlers into),
//     subscription identifiers, filters per SUBSCRIBE, AWS's # rule;
//   - CONNECT rules, sessions and takeover (session.go), the connection
//     registry (connections.go) and lifecycle events (lifecycle.go);
//   - strict mode's glue (authz.go: what an MQTT client presented, the
//     decisions of internal/authz as CONNACK/PUBACK/SUBACK codes and
//     disconnects; authtimers.go: custom authorizers' deadlines);
//   - the broker's half of the iot-data plane: Publish and Subscribe of
//     the emulator itself through mochi's inline client (message.go),
//     direct messages (direct.go), retained messages (retained.go), the
//     connection APIs' data (connapi.go); internal/iotdata serves them
//     over HTTP through its own interfaces;
//   - every message offered to the rules engine off the publish path
//     (rules_dispatch.go).
//
// Not emulated: QoS 2 (AWS has none), shared subscriptions' AWS-specific
// balancing beyond mochi's, exclusive thing associations (no thingName in
// lifecycle events), Device Defender, and the $aws families without a
// service (the reserved table lists them so that clients may subscribe).
//
// # Concurrency
//
//   - mochi owns its client goroutines; each connection is tracked by its
//     connListener, so Close disconnects every client (DISCONNECT "Server
//     shutting down" on MQTT 5), closes every socket, waits for the broker
//     to return each, then closes mochi.
//   - The connection registry has one mutex (registry.mu) and a sync.Map
//     read on every delivery; a conn's per-delivery state (hashFilters,
//     subscribing) is swapped atomically. Lifecycle events are published
//     with no broker lock held. A connection that takes over a client ID
//     waits (at most 5 s) on the old connection's ended channel before its
//     connected event, so events keep their order.
//   - Rules: the hook (on the publishing client's goroutine) only walks
//     the engine's topic index and does a non-blocking send to one of
//     max(2, GOMAXPROCS) bounded queues (full: dropped and logged). The
//     workers are the Broker's: started by Serve, cancelled and waited for
//     by Close after mochi closes; the queues are never closed, so a late
//     publish cannot panic. A republish re-enters the hook, which never
//     blocks, so workers cannot deadlock on their own queues.
//   - Custom-auth deadlines (deadlineTimers) are time.AfterFunc timers, no
//     waiting goroutine: a firing timer checks under deadlineTimers.mu that
//     the connection still runs with that identity (brokerConn.auth), then
//     disconnects or refreshes outside the lock. Close stops them all,
//     waits for running callbacks, then cancels the base context of the
//     CONNECT-time authorizer invocations, before disconnecting clients.
//   - directMessages has one mutex and an atomic fast-path counter, read
//     on every completed QoS 1 delivery.
//   - Lock order: no broker lock is held while calling the mochi server,
//     the rules engine, a reserved-topic handler or internal/authz
//     (deadlineTimers.mu is held around mochi's Client.Closed only); the
//     broker's locks are never nested.
//   - What clients publish on reserved topics runs its service handler on
//     the publishing client's goroutine, with the Broker's base context
//     (cancelled by Close).
package broker
