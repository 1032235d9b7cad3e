// Package authz is strict mode's authorisation: who a client is (the
// identity sources) and what it may do (its IoT policies), for MQTT
// connections and the iot-data HTTP API alike.
//
// What of AWS it emulates:
//   - the identities of AWS IoT Core's data endpoint: a registered, ACTIVE
//     X.509 client certificate and the policies attached to it or to its
//     thing's groups; SigV4 credentials (header or presigned WebSocket URL)
//     with IoT policies; and, through a Source a caller prepends (the
//     customauth package), custom authorizers;
//   - the policy decisions: iot:Connect (with the connect attributes and the
//     Will topic), iot:Publish and iot:RetainPublish, iot:Subscribe on the
//     literal filter, iot:Receive on every delivery, and the actions and
//     resources of the iot-data HTTP operations;
//   - AWS's answers to a refusal: CONNACK 0x87 or 0x86, HTTP 403
//     ForbiddenException "Forbidden", the SigV4 errors;
//   - a valid SigV4 signature of any configured credential on the control
//     plane.
//
// What it does not: IAM (an identity's policies are IoT policies, or
// AllowAll), policy caching delays ("a few minutes" on AWS: a policy change
// applies to the next connection or request), the 24-hour limit of SigV4
// WebSocket connections (recorded, not enforced), domain configurations
// choosing the authentication type.
//
// The package has no MQTT broker types: what a client presented arrives as
// a Presented (certificate, TLS server name, CONNECT fields, HTTP request),
// and decisions leave as booleans, a Conn, or an *Error carrying the CONNACK
// code, HTTP status, x-amzn-ErrorType and message. The broker turns those
// into packets.
package authz
