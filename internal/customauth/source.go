package customauth

import (
	"context"
	"time"

	"github.com/iotemu/iotemu/internal/authz"
	"github.com/iotemu/iotemu/policy"
)

// Config configures a Service.
type Config struct {
	// Invoker runs the authorizers' functions.
	Invoker Invoker
	// Parse parses the policy documents of an answer (strict mode's
	// cache); nil means policy.Parse.
	Parse func(string) (*policy.Policy, error)
	// Now is the clock of the refresh and disconnect deadlines; nil means
	// time.Now.
	Now func() time.Time
	// Second is how long one of the authorizer's seconds lasts (tests
	// shorten it); 0 means time.Second.
	Second time.Duration
}

// Service authenticates devices with the store's authorizers. It is
// strict mode's first identity source: a request that names an authorizer
// (x-amz-customauthorizer-name), or any request without a client
// certificate or SigV4 signature while a default authorizer is set, is
// authenticated by the authorizer's Lambda function, whose principalId and
// policy documents become the identity.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-authorizer.html#custom-authorizer
type Service struct {
	st  *Store
	cfg Config
}

var _ authz.Source = (*Service)(nil)

// NewService returns the custom authentication of the store's authorizers.
func NewService(st *Store, cfg Config) *Service {
	if cfg.Parse == nil {
		cfg.Parse = policy.Parse
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Second <= 0 {
		cfg.Second = time.Second
	}
	return &Service{st: st, cfg: cfg}
}

// Resolve claims a CONNECT or an HTTP request meant for a custom
// authorizer and authenticates it.
func (s *Service) Resolve(ctx context.Context, p *authz.Presented) (*authz.Identity, bool, error) {
	if p.MQTT != nil {
		return s.resolveMQTT(ctx, p)
	}
	if p.HTTP == nil {
		return nil, false, nil
	}
	return s.resolveHTTP(ctx, p)
}

// claims reports whether the custom authorizer applies: named, or no
// other credential and a default authorizer set.
func (s *Service) claims(pr presented, otherCredential bool) bool {
	if pr.named() {
		return true
	}
	if otherCredential {
		return false
	}
	_, err := s.st.Default()
	return err == nil
}

// resolveMQTT reads the CONNECT user name (and, over WebSocket, the
// upgrade's headers and query when the user name names no authorizer).
func (s *Service) resolveMQTT(ctx context.Context, p *authz.Presented) (*authz.Identity, bool, error) {
	m, upgrade := p.MQTT, p.HTTP
	pr := presentedInUsername(m.Username)
	if !pr.named() && upgrade != nil {
		if hp := presentedInHTTP(upgrade); hp.named() {
			pr = hp
		}
	}
	other := p.Certificate != nil || upgrade != nil && hasSigV4(upgrade)
	if !s.claims(pr, other) {
		return nil, false, nil
	}
	var ev event
	if p.TLS != nil {
		ev.withTLS(p.TLS.ServerName)
	}
	if upgrade != nil {
		ev.withHTTP(upgrade)
	}
	ev.withMQTT(m.Username, m.Password, m.PasswordFlag, m.ClientID)
	id, err := s.authenticate(ctx, pr, ev)
	return id, true, err
}

// resolveHTTP reads an iot-data request's or a /mqtt upgrade's headers
// and query. "The customer authorizer for the HTTPS protocol only supports
// publish operations": the policies decide the rest.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth.html#custom-auth-http
func (s *Service) resolveHTTP(ctx context.Context, p *authz.Presented) (*authz.Identity, bool, error) {
	r := p.HTTP
	pr := presentedInHTTP(r)
	if !s.claims(pr, p.Certificate != nil || hasSigV4(r)) {
		return nil, false, nil
	}
	if p.IsUpgrade() && !pr.named() {
		if _, ok := pr.token(s.defaultTokenKey()); !ok {
			return nil, false, nil // credentials may come in the CONNECT
		}
	}
	var ev event
	if p.TLS != nil {
		ev.withTLS(p.TLS.ServerName)
	}
	ev.withHTTP(r)
	id, err := s.authenticate(ctx, pr, ev)
	return id, true, err
}

// defaultTokenKey is the default authorizer's token key name, "" if none.
func (s *Service) defaultTokenKey() string {
	a, err := s.st.Default()
	if err != nil {
		return ""
	}
	return a.TokenKeyName
}

// authenticate runs the authorizer and turns its answer into an identity.
func (s *Service) authenticate(ctx context.Context, pr presented, ev event) (*authz.Identity, error) {
	a, err := s.authorizerFor(pr)
	if err != nil {
		return nil, refusal(err)
	}
	at, err := s.prepare(a, pr, ev, s.cfg.Parse)
	if err != nil {
		return nil, refusal(err)
	}
	id, err := at.identity(ctx)
	if err != nil {
		return nil, refusal(err)
	}
	return id, nil
}

// identity invokes the function and builds the identity, with a refresh
// that invokes it again with the same event.
func (c *attempt) identity(ctx context.Context) (*authz.Identity, error) {
	res, err := c.invoke(ctx)
	if err != nil {
		return nil, err
	}
	now, second := c.s.cfg.Now(), c.s.cfg.Second
	id := &authz.Identity{Principal: res.PrincipalID, Policies: res.policies, Registered: true, LookupThing: true,
		DisconnectAt: deadline(now, res.DisconnectAfter, second), RefreshAt: deadline(now, res.RefreshAfter, second)}
	if !id.RefreshAt.IsZero() {
		id.Refresh = c.identity
	}
	return id, nil
}

// refusal is how a refusal reaches the client: HTTP 403
// ForbiddenException "Forbidden", MQTT 3.1.1 connection closed, MQTT 5
// CONNACK 0x86 or 0x87 (isCredentialFailure).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth-tutorial.html#custom-auth-tutorial
func refusal(err error) *authz.Error {
	ae := authz.Forbidden(err)
	if isCredentialFailure(err) {
		ae.Connack = authz.ConnackBadUsernameOrPassword
	}
	return ae
}
