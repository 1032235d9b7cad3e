package authz

import (
	"time"

	"context"
	"fmt"
	"sync"

	"github.com/iotemu/iotemu/policy"
	"github.com/iotemu/iotemu/sigv4"
)

// Authorizer is strict mode's state: the identity sources, the parsed
// policies and the ARN prefixes of requests. Identity sources are tried in
// order: those Prepend added (the custom authorizer), the TLS client
// certificate, then SigV4. The first source that claims a request decides.
type Authorizer struct {
	cfg     Config
	reg     Registry
	sources []Source
	popts   policy.Options
	control *sigv4.Verifier // the control plane's signing names
	issued  *sigv4.Issued   // the credentials provider's temporary credentials

	mu     sync.RWMutex
	parsed map[string]*policy.Policy // by document text: one parse per policy version

	topicPrefix, filterPrefix, clientPrefix string
}

// maxParsedPolicies bounds the parse cache; it is emptied when full.
const maxParsedPolicies = 4096

// New returns the authorizer of strict mode.
func New(cfg Config, reg Registry) (*Authorizer, error) {
	a := &Authorizer{cfg: cfg, reg: reg, parsed: map[string]*policy.Policy{}, issued: sigv4.NewIssued(cfg.Now),
		popts:        policy.Options{Compat: cfg.PolicyCompat},
		topicPrefix:  policy.TopicARN(cfg.Region, cfg.AccountID, ""),
		filterPrefix: policy.TopicFilterARN(cfg.Region, cfg.AccountID, ""),
		clientPrefix: policy.ClientARN(cfg.Region, cfg.AccountID, ""),
	}
	sig, err := newSigV4Source(a)
	if err != nil {
		return nil, err
	}
	if a.control, err = newVerifier(cfg, controlPlaneServices, a.issued); err != nil {
		return nil, err
	}
	a.sources = []Source{certSource{a}, sig}
	return a, nil
}

// Prepend puts src before the built-in sources: the custom authorizer is
// tried first. Call it before the first request.
func (a *Authorizer) Prepend(src Source) {
	a.sources = append([]Source{src}, a.sources...)
}

// Parse returns the parsed policy of a document, parsing it once.
func (a *Authorizer) Parse(doc string) (*policy.Policy, error) {
	a.mu.RLock()
	p, ok := a.parsed[doc]
	a.mu.RUnlock()
	if ok {
		return p, nil
	}
	p, err := policy.ParseWithOptions(doc, a.popts)
	if err != nil {
		return nil, fmt.Errorf("parse policy: %w", err)
	}
	a.mu.Lock()
	if len(a.parsed) >= maxParsedPolicies {
		clear(a.parsed)
	}
	a.parsed[doc] = p
	a.mu.Unlock()
	return p, nil
}

// Resolve asks the sources in order who a client is. A refused identity
// may come back with the error (a registered principal, for
// connect_failed).
func (a *Authorizer) Resolve(ctx context.Context, p *Presented) (*Identity, error) {
	for _, src := range a.sources {
		id, ok, err := src.Resolve(ctx, p)
		if ok {
			return id, err
		}
	}
	return nil, Forbidden(ErrNoIdentity)
}

// now is the authorizer's clock (Config.Now, else the wall clock).
func (a *Authorizer) now() time.Time {
	if a.cfg.Now != nil {
		return a.cfg.Now()
	}
	return time.Now()
}
