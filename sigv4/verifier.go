package sigv4

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// DefaultServices are the service names accepted in the credential scope
// when Config.Services is nil: the SDKs sign
// iot-data with "iotdata", the WebSocket device SDKs with
// "iotdevicegateway" (https://docs.aws.amazon.com/iot/latest/developerguide/http.html#http, https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html#mqtt-ws).
var DefaultServices = []string{"iotdata", "iotdevicegateway"}

// DefaultMaxSkew is how far X-Amz-Date may be from the server's clock.
// AWS: signature-v4-troubleshooting.html ("within 5 minutes").
const DefaultMaxSkew = 5 * time.Minute

// MaxExpires is the largest X-Amz-Expires, 7 days. AWS: S3
// sigv4-query-string-auth.html ("604800 seconds").
const MaxExpires = 7 * 24 * time.Hour

// Config configures a Verifier.
type Config struct {
	// Credentials resolves access keys; required.
	Credentials CredentialStore
	// Services accepted in the credential scope; nil means DefaultServices.
	Services []string
	// Regions accepted in the credential scope; empty accepts any.
	Regions []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxSkew; zero means DefaultMaxSkew.
	MaxSkew time.Duration
	// Compat names iotemu's unconfirmed choices.
	Compat Compat
}

// Compat holds the switches of choices AWS does not document; the zero
// value is iotemu's default (docs/compatibility.md, "Identity and access").
type Compat struct {
	// PresignedLifetime is how long a presigned URL without X-Amz-Expires
	// is valid after X-Amz-Date (AWS's WebSocket reference code sends
	// none; what AWS allows is unconfirmed). Zero means MaxSkew.
	PresignedLifetime time.Duration
	// RejectUnsignedSecurityToken refuses a presigned URL whose
	// X-Amz-Security-Token is outside the signed query (the WebSocket
	// quirk that AWS's own code uses), by default accepted.
	RejectUnsignedSecurityToken bool
}

// Verifier verifies SigV4-signed requests; it is safe for concurrent use.
type Verifier struct {
	creds    CredentialStore
	services []string
	regions  []string
	now      func() time.Time
	skew     time.Duration
	compat   Compat
}

// Identity is the authenticated signer of a request.
type Identity struct {
	AccessKeyID  string
	Principal    string
	SessionToken string
	Region       string
	Service      string
	// SignedAt is X-Amz-Date; Expires is when a presigned URL stops being
	// valid (zero for header-signed requests).
	SignedAt time.Time
	Expires  time.Time
	// TokenUnsigned: the presigned URL carried its session token outside
	// the signed query (the WebSocket quirk).
	TokenUnsigned bool
}

// New returns a Verifier for cfg.
func New(cfg Config) (*Verifier, error) {
	if cfg.Credentials == nil {
		return nil, errors.New("new verifier: Config.Credentials is nil")
	}
	v := &Verifier{
		creds: cfg.Credentials, services: cfg.Services, regions: cfg.Regions,
		now: cfg.Now, skew: cfg.MaxSkew, compat: cfg.Compat,
	}
	if v.services == nil {
		v.services = DefaultServices
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.skew == 0 {
		v.skew = DefaultMaxSkew
	}
	if v.skew < 0 || cfg.Compat.PresignedLifetime < 0 {
		return nil, fmt.Errorf("new verifier: negative MaxSkew or PresignedLifetime")
	}
	return v, nil
}

// Verify verifies r with VerifyRequest when it has an Authorization header,
// with VerifyPresigned when its query has X-Amz-Algorithm; otherwise it
// returns ErrMissingAuthentication.
func (v *Verifier) Verify(r *http.Request, body []byte) (Identity, error) {
	switch {
	case r.Header.Get("Authorization") != "":
		return v.VerifyRequest(r, body)
	case r.URL.Query().Has("X-Amz-Algorithm"):
		return v.VerifyPresigned(r)
	}
	return Identity{}, fail(ErrMissingAuthentication, CodeMissingAuthenticationToken, msgMissing)
}

// checkScope validates the credential scope against X-Amz-Date and the
// configuration. AWS: messages of InvalidSignatureException for scopes.
func (v *Verifier) checkScope(c credential, amzDate string) error {
	if c.terminator != "aws4_request" {
		return fail(ErrInvalidScope, CodeInvalidSignature,
			fmt.Sprintf("Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", c.terminator))
	}
	if !slices.Contains(v.services, c.service) {
		return fail(ErrInvalidScope, CodeInvalidSignature,
			fmt.Sprintf("Credential should be scoped to correct service: '%s'.", v.services[0]))
	}
	if len(v.regions) > 0 && !slices.Contains(v.regions, c.region) {
		return fail(ErrInvalidScope, CodeInvalidSignature,
			fmt.Sprintf("Credential should be scoped to a valid region, not '%s'.", c.region))
	}
	if len(amzDate) < 8 || c.date != amzDate[:8] {
		return fail(ErrInvalidScope, CodeInvalidSignature, fmt.Sprintf(
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from 'X-Amz-Date'.",
			c.date, prefix8(amzDate)))
	}
	return nil
}

func prefix8(s string) string {
	if len(s) > 8 {
		return s[:8]
	}
	return s
}

// lookup resolves the access key and checks the session token.
func (v *Verifier) lookup(keyID, token string) (Credentials, error) {
	creds, ok := v.creds.LookupCredentials(keyID)
	if !ok {
		return Credentials{}, fail(ErrUnknownAccessKey, CodeUnrecognizedClient, msgUnknownKey)
	}
	if token != creds.SessionToken {
		return Credentials{}, fail(ErrInvalidToken, CodeUnrecognizedClient, msgUnknownKey)
	}
	return creds, nil
}

// checkTime refuses a signing time outside [now-skew, now+skew], or for a
// presigned URL with lifetime > 0, outside [signedAt-skew, signedAt+lifetime].
// AWS: signature-v4-troubleshooting.html ("Signature expired: … is now
// earlier than … (… - 5 min.)", "Signature not yet current: …").
func (v *Verifier) checkTime(signedAt time.Time, lifetime time.Duration) error {
	now := v.now().UTC()
	if signedAt.After(now.Add(v.skew)) {
		return fail(ErrSignatureNotYetValid, CodeInvalidSignature, fmt.Sprintf(
			"Signature not yet current: %s is still later than %s (%s + %s.)",
			amz(signedAt), amz(now.Add(v.skew)), amz(now), human(v.skew)))
	}
	window := v.skew
	if lifetime > 0 {
		window = lifetime
	}
	if signedAt.Before(now.Add(-window)) {
		return fail(ErrSignatureExpired, CodeInvalidSignature, fmt.Sprintf(
			"Signature expired: %s is now earlier than %s (%s - %s.)",
			amz(signedAt), amz(now.Add(-window)), amz(now), human(window)))
	}
	return nil
}

const amzDateLayout = "20060102T150405Z"

func amz(t time.Time) string { return t.UTC().Format(amzDateLayout) }

func human(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d sec", int(d/time.Second))
}
