// Package iotdata serves the AWS IoT data plane (the "iot-data" service of
// the AWS SDKs and the `aws iot-data` CLI) over HTTP, with AWS's paths,
// query and header names, JSON members and error shapes:
//   - Publish (publish.go), with the MQTT 5 headers;
//   - GetRetainedMessage and ListRetainedMessages (retained.go);
//   - GetConnection, DeleteConnection, ListSubscriptions (connapi.go) and
//     SendDirectMessage (direct.go);
//   - the Device Shadow REST operations: GetThingShadow,
//     UpdateThingShadow, DeleteThingShadow, ListNamedShadowsForThing
//     (shadow.go), on package shadow;
//   - AWS's maxResults and nextToken paging (pagination.go).
//
// It does not import the broker: it declares what it needs of it
// (Publisher, RetainedStore, Connections, in iotdata.go), which
// internal/broker's Broker satisfies (asserted by the composition root).
// Strict mode's authorisation of each request is the root's middleware
// (internal/authz), applied before these handlers run.
//
// Not emulated: the iot-data endpoints of other services (jobs data
// plane, tunnelling), and HTTP publishing over port 443 with ALPN.
package iotdata
