package authz

import (
	"context"
	"fmt"
	"time"

	"github.com/iotemu/iotemu/sigv4"
)

// sigv4Source identifies a client by the SigV4 signature of its request
// (iot-data API) or of its /mqtt upgrade URL, against the configured
// credentials.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html#mqtt-ws
type sigv4Source struct {
	a        *Authorizer
	verifier *sigv4.Verifier
	creds    map[string]Credential
}

// Control-plane signing names: the Go SDK v2 signs "iot", botocore's model
// names "execute-api" (both accepted).
var controlPlaneServices = []string{"iot", "execute-api"}

func newSigV4Source(a *Authorizer) (*sigv4Source, error) {
	v, err := newVerifier(a.cfg, nil, a.issued)
	if err != nil {
		return nil, err
	}
	src := &sigv4Source{a: a, verifier: v, creds: map[string]Credential{}}
	for _, c := range a.cfg.Credentials {
		src.creds[c.AccessKeyID] = c
	}
	return src, nil
}

// newVerifier returns a verifier of the configured credentials and those
// the credentials provider issued, for the services given (nil:
// iot-data's), in the emulator's region.
func newVerifier(cfg Config, services []string, issued *sigv4.Issued) (*sigv4.Verifier, error) {
	store := make([]sigv4.Credentials, 0, len(cfg.Credentials))
	for _, c := range cfg.Credentials {
		store = append(store, sigv4.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
			SessionToken: c.SessionToken, Principal: cfg.principal(c)})
	}
	v, err := sigv4.New(sigv4.Config{Credentials: sigv4.Chain{sigv4.NewStaticCredentials(store...), issued}, Services: services,
		Regions: []string{cfg.Region}, Now: cfg.Now})
	if err != nil {
		return nil, fmt.Errorf("sigv4 verifier: %w", err)
	}
	return v, nil
}

// principal is a credential's principal: Principal, or the account and
// access key (the IAM form of lifecycle events' principalIdentifier).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect
func (cfg Config) principal(c Credential) string {
	if c.Principal != "" {
		return c.Principal
	}
	return cfg.AccountID + "/" + c.AccessKeyID
}

// Resolve claims an HTTP request carrying a signature (header or presigned
// query). A WebSocket client's signature was verified at the upgrade;
// nothing in a CONNECT itself is SigV4.
func (src *sigv4Source) Resolve(_ context.Context, p *Presented) (*Identity, bool, error) {
	r := p.HTTP
	if p.MQTT != nil || r == nil {
		return nil, false, nil
	}
	if r.Header.Get("Authorization") == "" && !r.URL.Query().Has("X-Amz-Algorithm") {
		return nil, false, nil
	}
	signed, err := src.verifier.Verify(r, p.Body)
	if err != nil {
		return nil, true, SignatureError(err)
	}
	id, err := src.identity(signed.AccessKeyID, signed.Principal)
	if err != nil {
		return nil, true, Forbidden(err)
	}
	if !signed.Expires.IsZero() {
		id.WebSocketExpiry = signed.SignedAt.Add(websocketTTL)
	}
	return id, true, nil
}

// websocketTTL is how long a SigV4 WebSocket connection may last: "Up to
// 24 hours", counted from the signature's date; enforced by the broker's
// deadline timers (WEBSOCKET_TTL_EXPIRATION) on its clock.
// AWS: https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits
const websocketTTL = 24 * time.Hour

// identity is what a configured credential may do: its policy documents,
// its named registry policies and those attached to its principal. A key
// the credentials provider issued (not configured) is its role's, which
// iotemu does not model: allowed every action (IssueCredentials).
func (src *sigv4Source) identity(accessKeyID, principal string) (*Identity, error) {
	cred, configured := src.creds[accessKeyID]
	a := src.a
	if !configured {
		return &Identity{Principal: principal, AllowAll: true, Registered: true, LookupThing: true}, nil
	}
	id := &Identity{Principal: a.cfg.principal(cred), AllowAll: cred.AllowAll, Registered: true, LookupThing: true}
	for i, d := range cred.PolicyDocuments {
		p, err := a.Parse(d)
		if err != nil {
			return nil, err
		}
		id.Policies = append(id.Policies, p)
		id.PolicyNames = append(id.PolicyNames, fmt.Sprintf("credential %s policyDocuments[%d]", accessKeyID, i))
	}
	for _, name := range cred.Policies {
		pol, err := a.reg.GetPolicy(name)
		if err != nil {
			continue // a policy deleted since: it grants nothing
		}
		p, err := a.Parse(pol.Document)
		if err != nil {
			return nil, err
		}
		id.Policies = append(id.Policies, p)
		id.PolicyNames = append(id.PolicyNames, name)
	}
	for _, ap := range a.reg.PrincipalPolicies(id.Principal) {
		p, err := a.Parse(ap.Document)
		if err != nil {
			return nil, err
		}
		id.Policies = append(id.Policies, p)
		id.PolicyNames = append(id.PolicyNames, ap.Name)
	}
	return id, nil
}
