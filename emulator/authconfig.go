package emulator

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"time"

	"github.com/iotemu/iotemu/internal/authz"
	"github.com/iotemu/iotemu/policy"
)

// AuthMode says whether the emulator authorises operations.
type AuthMode string

const (
	// AuthPermissive (the default, also ""): everyone may do everything,
	// as with an AWS policy allowing iot:* on *.
	AuthPermissive AuthMode = "permissive"
	// AuthStrict authorises every operation as AWS does: registered ACTIVE
	// certificates or SigV4 credentials, and the IoT policies of the
	// principal (docs/compatibility.md "Identity and access").
	AuthStrict AuthMode = "strict"
)

// AuthConfig configures authentication and authorisation.
type AuthConfig struct {
	Mode AuthMode
	// Credentials are the access keys SigV4 requests may be signed with
	// (MQTT over WebSocket, the iot-data API, the control plane).
	Credentials []Credential
	// Now is the clock of signature expiry (X-Amz-Date, X-Amz-Expires) and
	// custom authorizers' deadlines; nil means Config.Clock.Now.
	Now func() time.Time
	// Compat names the unconfirmed choices of strict mode.
	Compat AuthCompat
}

// Credential is one AWS access key the emulator accepts, and what its
// identity may do on the data plane.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken, when set, must come with every request (temporary
	// credentials); when empty a request must carry none.
	SessionToken string
	// Principal is the principalIdentifier of the identity's connections
	// and the target its registry policies are attached to (AttachPolicy);
	// default "<account>/<AccessKeyID>" (AWS's IAM form of
	// principalIdentifier, life-cycle-events.html#connect-disconnect).
	Principal string
	// Policies names registry policies (their default versions, read at
	// each authorisation) granted to this identity, as an IoT policy
	// attached to a Cognito identity.
	Policies []string
	// PolicyDocuments are IoT policy documents granted to this identity.
	PolicyDocuments []string
	// AllowAll makes the identity an IAM administrator: every data-plane
	// action is allowed (IAM is not emulated). Without it, the identity
	// may do only what Policies, PolicyDocuments and the policies attached
	// to Principal in the registry allow.
	AllowAll bool
}

// AuthCompat holds strict mode's switches for behaviour AWS does not
// document; the zero value is iotemu's default.
type AuthCompat struct {
	// DisconnectOnDeniedV5 ends an MQTT 5 connection whose PUBLISH or
	// SUBSCRIBE is denied (DISCONNECT 0x87, disconnectReason AUTH_ERROR),
	// as AWS does for MQTT 3.1.1. By default MQTT 5 clients get PUBACK /
	// SUBACK 0x87 and keep the connection (UNCONFIRMED whether AWS also
	// closes it, docs/compatibility.md).
	DisconnectOnDeniedV5 bool
	// ConnectFailedForUnknown publishes connect_failed also when the
	// refused client presented no registered identity (unknown
	// certificate, no certificate). By default only refusals of a
	// registered principal publish it: AWS cannot attribute an unknown
	// certificate to an account.
	ConnectFailedForUnknown bool
	// UnauthorizedStatus401 answers an iot-data request whose signed
	// identity is denied by its policies with 401 UnauthorizedException
	// (the model's shape) instead of 403 ForbiddenException "Forbidden"
	// (observed, docs/compatibility.md).
	UnauthorizedStatus401 bool
	// UnsignedControlPlane lets unsigned requests call the IoT control
	// plane (CreateThing…) in strict mode. By default strict mode requires
	// a valid SigV4 signature from any configured credential (IAM is not
	// emulated: any credential may call any operation).
	UnsignedControlPlane bool
	// PolicyOptions are passed to policy.Parse.
	PolicyCompat policy.Compat
}

// strict reports whether the mode is strict.
func (a AuthConfig) strict() bool { return a.Mode == AuthStrict }

func (a AuthConfig) validate() []error {
	var errs []error
	switch a.Mode {
	case "", AuthPermissive, AuthStrict:
	default:
		errs = append(errs, fmt.Errorf("auth mode %q is not permissive or strict", a.Mode))
	}
	seen := map[string]bool{}
	for i, c := range a.Credentials {
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			errs = append(errs, fmt.Errorf("credential %d: access key ID and secret access key are required", i))
		}
		if seen[c.AccessKeyID] {
			errs = append(errs, fmt.Errorf("credential %d: access key ID %q given twice", i, c.AccessKeyID))
		}
		seen[c.AccessKeyID] = true
		for j, d := range c.PolicyDocuments {
			if _, err := policy.Parse(d); err != nil {
				errs = append(errs, fmt.Errorf("credential %q policy document %d: %w", c.AccessKeyID, j, err))
			}
		}
	}
	return errs
}

// authzConfig translates the configuration of strict mode for internal/authz.
func (c Config) authzConfig() authz.Config {
	a := c.Auth
	out := authz.Config{Region: c.Region, AccountID: c.AccountID, Now: a.Now, PolicyCompat: a.Compat.PolicyCompat,
		AnonymousPrincipal:      c.Compat.AnonymousPrincipal,
		DisconnectOnDeniedV5:    a.Compat.DisconnectOnDeniedV5,
		ConnectFailedForUnknown: a.Compat.ConnectFailedForUnknown,
		UnauthorizedStatus401:   a.Compat.UnauthorizedStatus401,
		UnsignedControlPlane:    a.Compat.UnsignedControlPlane,
	}
	for _, cr := range a.Credentials {
		out.Credentials = append(out.Credentials, authz.Credential{AccessKeyID: cr.AccessKeyID,
			SecretAccessKey: cr.SecretAccessKey, SessionToken: cr.SessionToken, Principal: cr.Principal,
			Policies: cr.Policies, PolicyDocuments: cr.PolicyDocuments, AllowAll: cr.AllowAll})
	}
	return out
}

// newAuthz returns strict mode's authorizer, nil in permissive mode.
func newAuthz(s *Server) (*authz.Authorizer, error) {
	if !s.cfg.Auth.strict() {
		return nil, nil
	}
	cfg := s.cfg.authzConfig()
	cfg.Logger = s.log
	return authz.New(cfg, s.iotreg)
}

// withAuth wraps the router: strict mode authorises every iot-data and
// control-plane request before its handler runs. Permissive mode: h.
func (s *Server) withAuth(h http.Handler) http.Handler {
	if s.authz == nil {
		return h
	}
	return s.authz.Middleware(h, writeError)
}

// mqttTLSConfig is the MQTT TLS listener's configuration: in strict mode a
// client certificate is required, as on AWS's port 8883, from any issuer
// (the registry decides: RegisterCertificateWithoutCA registers
// certificates of CAs the emulator does not know).
func (s *Server) mqttTLSConfig() *tls.Config {
	if s.authz == nil {
		return s.tls
	}
	c := s.tls.Clone()
	c.ClientAuth, c.VerifyPeerCertificate = tls.RequireAnyClientCert, nil
	return c
}

// httpsTLSConfig is the HTTPS listener's: a certificate is requested, not
// required (SigV4 and custom authorizers need none, as on AWS's port 443;
// the credentials provider needs one), from any issuer, in both modes.
func (s *Server) httpsTLSConfig() *tls.Config {
	c := s.tls.Clone()
	c.ClientAuth, c.VerifyPeerCertificate = tls.RequestClientCert, nil
	return c
}

// authNow is the clock of custom authorizers' deadlines (Config.Auth.Now,
// which defaults to Config.Clock).
func (s *Server) authNow() time.Time { return s.cfg.Auth.Now() }

// authSecond is how long one of the authorizer's seconds lasts:
// Limits.CustomAuthSecond (tests shorten it), default one second.
func (s *Server) authSecond() time.Duration {
	if d := s.cfg.Limits.CustomAuthSecond; d > 0 {
		return d
	}
	return time.Second
}
