// Package customauth emulates AWS IoT Core's custom authorizers: the
// authorizer resources and the account's default authorizer (Store, with
// CreateAuthorizer's validation and PEM signing keys), and the
// authentication of a device by one (Source, an authz identity source):
// where the token travels per transport, its RSA SHA-256 signature, the
// Lambda event, the rules of the function's answer and the identity it
// grants (principalId, policy documents, refresh and disconnect periods).
// TestInvoke runs an authorizer for TestInvokeAuthorizer.
//
// The authorizer's function is run through an Invoker the caller hands in
// (in process or through the Lambda Invoke API), within AWS's 5-second
// limit.
//
// What it does not emulate: the Lambda resource policy that lets AWS IoT
// invoke the function, caching of HTTP answers (enableCachingForHttp is
// stored, not applied), domain configurations naming an authorizer,
// custom authentication with X.509 client certificates, and the
// authorizer's CloudWatch metrics. The enforcement of the refresh and
// disconnect periods on MQTT connections is the broker's: this package
// sets Identity.RefreshAt, DisconnectAt and Refresh.
//
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-authentication.html#custom-authentication
package customauth
