// Package credprovider is the AWS IoT credentials provider: a device
// presents its X.509 certificate over mutual TLS and gets temporary AWS
// credentials for the IAM role of a role alias,
// GET /role-aliases/{alias}/credentials (optionally naming its thing in
// x-amzn-iot-thingname), answered with AWS's
// {"credentials":{"accessKeyId","secretAccessKey","sessionToken","expiration"}}.
//
// The decisions are strict mode's (internal/authz): in strict mode the
// certificate must be registered and ACTIVE, the thing attached to it and
// iot:AssumeRoleWithCertificate allowed on the role alias ARN; the
// credentials are issued by the same authorizer, so its SigV4 verification
// accepts them for the role alias's credentialDurationSeconds. In
// permissive mode any client certificate gets credentials.
//
// What it does not: IAM (the role is not checked to exist nor to trust
// credentials.iot.amazonaws.com, and the credentials' permissions are not
// the role's: see docs/compatibility.md "Identity and access"), and STS
// (the credentials are valid only against iotemu).
//
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/authorizing-direct-aws.html#authorizing-direct-aws
package credprovider
