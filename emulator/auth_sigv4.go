package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/sigv4"
)

// sigv4Source identifies a client by the SigV4 signature of its request
// (iot-data API) or of its /mqtt upgrade URL, against Config.Auth's
// credentials. AWS: broker.md §4.1, §5.4.
type sigv4Source struct {
	s        *Server
	verifier *sigv4.Verifier
	creds    map[string]Credential
}

// Control-plane signing names: the Go SDK v2 signs "iot", botocore's model
// names "execute-api" (both accepted).
var controlPlaneServices = []string{"iot", "execute-api"}

func newSigV4Source(s *Server) (*sigv4Source, error) {
	v, err := newVerifier(s, nil)
	if err != nil {
		return nil, err
	}
	src := &sigv4Source{s: s, verifier: v, creds: map[string]Credential{}}
	for _, c := range s.cfg.Auth.Credentials {
		src.creds[c.AccessKeyID] = c
	}
	return src, nil
}

// newVerifier returns a verifier of the configured credentials for the
// services given (nil: iot-data's), in the emulator's region.
func newVerifier(s *Server, services []string) (*sigv4.Verifier, error) {
	store := make([]sigv4.Credentials, 0, len(s.cfg.Auth.Credentials))
	for _, c := range s.cfg.Auth.Credentials {
		store = append(store, sigv4.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
			SessionToken: c.SessionToken, Principal: credentialPrincipal(s.cfg, c)})
	}
	v, err := sigv4.New(sigv4.Config{Credentials: sigv4.NewStaticCredentials(store...), Services: services,
		Regions: []string{s.cfg.Region}, Now: s.cfg.Auth.Now})
	if err != nil {
		return nil, fmt.Errorf("sigv4 verifier: %w", err)
	}
	return v, nil
}

// credentialPrincipal is a credential's principal: Principal, or the
// account and access key (the IAM form of lifecycle events, broker.md §3.1).
func credentialPrincipal(c Config, cred Credential) string {
	if cred.Principal != "" {
		return cred.Principal
	}
	return c.AccountID + "/" + cred.AccessKeyID
}

// resolveMQTT: a WebSocket client's signature was verified at the upgrade
// (authCore.upgrade); nothing in the CONNECT itself is SigV4.
func (src *sigv4Source) resolveMQTT(*mqtt.Client, packets.Packet) (*authIdentity, bool, error) {
	return nil, false, nil
}

func (src *sigv4Source) resolveHTTP(r *http.Request, body []byte) (*authIdentity, bool, error) {
	if r.Header.Get("Authorization") == "" && !r.URL.Query().Has("X-Amz-Algorithm") {
		return nil, false, nil
	}
	signed, err := src.verifier.Verify(r, body)
	if err != nil {
		return nil, true, signatureError(err)
	}
	id, err := src.identity(signed.AccessKeyID)
	if err != nil {
		return nil, true, forbidden(err)
	}
	if !signed.Expires.IsZero() {
		id.disconnectAt = signed.SignedAt.Add(websocketTTL)
	}
	return id, true, nil
}

// websocketTTL is how long a SigV4 WebSocket connection may last.
// AWS: iot-core limits "Up to 24 hours" (broker.md §5.4); not enforced yet.
const websocketTTL = 24 * time.Hour

// identity is what a configured credential may do: its policy documents,
// its named registry policies and those attached to its principal.
func (src *sigv4Source) identity(accessKeyID string) (*authIdentity, error) {
	cred := src.creds[accessKeyID]
	a := src.s.auth
	id := &authIdentity{principal: credentialPrincipal(src.s.cfg, cred), allowAll: cred.AllowAll, registered: true,
		lookupThing: true}
	for _, d := range cred.PolicyDocuments {
		p, err := a.parse(d)
		if err != nil {
			return nil, err
		}
		id.policies = append(id.policies, p)
	}
	for _, name := range cred.Policies {
		pol, err := src.s.iotreg.GetPolicy(name)
		if err != nil {
			continue // a policy deleted since: it grants nothing
		}
		p, err := a.parse(pol.Document)
		if err != nil {
			return nil, err
		}
		id.policies = append(id.policies, p)
	}
	for _, ap := range src.s.iotreg.PrincipalPolicies(id.principal) {
		p, err := a.parse(ap.Document)
		if err != nil {
			return nil, err
		}
		id.policies = append(id.policies, p)
	}
	return id, nil
}

// signatureError is AWS's answer to a refused signature: its status, code
// and message (sigv4.Error), CONNACK 0x87 if it ever reaches MQTT.
func signatureError(err error) *authError {
	ae := forbidden(err)
	var se *sigv4.Error
	if errors.As(err, &se) {
		ae.status, ae.errType, ae.message = se.HTTPStatus(), se.Code, se.Message
	}
	return ae
}
