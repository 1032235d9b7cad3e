package authz

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/iotemu/iotemu/policy"
	"github.com/iotemu/iotemu/sigv4"
)

// The credentials provider's two questions to strict mode: may this
// certificate assume the role of this role alias, and which temporary
// credentials does it get.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/authorizing-direct-aws.html#authorizing-direct-aws

// ActionAssumeRoleWithCertificate is the IoT policy action of the
// credentials provider, on the role alias ARN.
const ActionAssumeRoleWithCertificate = "iot:AssumeRoleWithCertificate"

// ErrThingNotAttached: x-amzn-iot-thingname names a thing the certificate
// is not attached to.
var ErrThingNotAttached = errors.New("the thing is not attached to the certificate")

// AssumeRole authorises a credentials request: the certificate must be
// registered and ACTIVE, thingName ("" for none) attached to it, and its
// policies (with the thing's variables) must allow
// iot:AssumeRoleWithCertificate on roleAliasARN. A refusal is an *Error
// (Forbidden).
func (a *Authorizer) AssumeRole(cert *x509.Certificate, thingName, roleAliasARN string) error {
	id, err := certSource{a}.identity(cert, thingName)
	if err != nil {
		return AsError(err)
	}
	if thingName != "" && (id.Conn.ThingName != thingName || !id.Conn.IsAttached) {
		return Forbidden(fmt.Errorf("%w: %s", ErrThingNotAttached, thingName))
	}
	if !id.Allowed(ActionAssumeRoleWithCertificate, roleAliasARN, policy.ConnectionContext(id.Conn)) {
		return Forbidden(fmt.Errorf("%s denied on %s", ActionAssumeRoleWithCertificate, roleAliasARN))
	}
	return nil
}

// IssueCredentials issues temporary credentials for principal, valid for
// d, which strict mode's SigV4 verification accepts until they expire.
// Their identity is the role's; iotemu does not model IAM, so it is
// allowed every action (docs/compatibility.md "Identity and access").
func (a *Authorizer) IssueCredentials(principal string, d time.Duration) (sigv4.Credentials, time.Time) {
	return a.issued.Issue(principal, d)
}

// InvalidCertificate reports whether a refusal is of the certificate
// itself (not registered, not ACTIVE) rather than of its policies.
func InvalidCertificate(err error) bool {
	return errors.Is(err, errUnknownCertificate) || errors.Is(err, errInactiveCertificate)
}
