package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/policy"
)

// The auth core of strict mode. Identity resolution sits behind one small
// interface, identitySource, whose implementations are tried in order:
// the custom authorizer (customauth*.go, added with prependSource), the
// TLS client certificate (auth_cert.go), then SigV4 (auth_sigv4.go). The
// first source that claims a request decides: it returns an identity or
// refuses. What an identity may do is decided here, with its policies and
// the connection's policy variables (auth_mqtt.go, auth_http.go).
//
// In permissive mode Server.auth is nil: every check is one nil test.

// identitySource resolves who a client is. A source that does not apply
// (no certificate, no signature, no authorizer token) returns ok=false and
// the next one is tried; a source that applies returns an identity, or
// ok=true with an error (an *authError) that refuses the client.
type identitySource interface {
	// resolveMQTT is called on the client's goroutine when its CONNECT
	// has been read (mochi's OnConnect). The net.Conn is a *brokerConn:
	// its peer certificate and, for WebSocket clients, the upgrade request
	// (brokerConn.upgrade: headers and query) are available.
	resolveMQTT(cl *mqtt.Client, pk packets.Packet) (*authIdentity, bool, error)
	// resolveHTTP is called for every iot-data request (and the /mqtt
	// upgrade, where body is nil) before the operation runs.
	resolveHTTP(r *http.Request, body []byte) (*authIdentity, bool, error)
}

// authIdentity is an authenticated principal and what it may do.
type authIdentity struct {
	// principal is the principalIdentifier of lifecycle events: the
	// certificate ID, the IAM form of an access key, the custom
	// authorizer's principalId.
	principal string
	// policies are the parsed IoT policies of the principal
	// (authCore.parse caches them per document).
	policies []*policy.Policy
	// allowAll: an IAM-like identity allowed every action.
	allowAll bool
	// conn holds the policy variables the source knows (thing, certificate,
	// username); the core adds the client ID, source IP and connect
	// attributes before building the Context.
	conn policy.Connection
	// registered: the principal belongs to the account (a registered
	// certificate, a configured credential, an authorizer's answer), so a
	// refusal of it publishes connect_failed.
	registered bool
	// lookupThing: the thing variables come from the registry by client
	// ID at CONNECT (SigV4 and authorizer identities; a certificate's
	// source sets them itself).
	lookupThing bool
	// refreshAt and disconnectAt (zero: never) are the custom authorizer's
	// refreshAfterInSeconds and disconnectAfterInSeconds; refresh, if set,
	// resolves the identity again once refreshAt has passed.
	refreshAt, disconnectAt time.Time
	refresh                 func() (*authIdentity, error)
}

// authError refuses a client: what MQTT and HTTP clients are told.
type authError struct {
	connack packets.Code // MQTT 5 CONNACK code: 0x87 not authorized, 0x86 bad user name or password
	status  int          // HTTP status
	errType string       // x-amzn-ErrorType
	message string
	err     error
}

func (e *authError) Error() string { return fmt.Sprintf("auth: %s: %s", e.errType, e.message) }
func (e *authError) Unwrap() error { return e.err }

// errNoIdentity: no source recognised the client (no certificate, no
// signature, no authorizer), which AWS has no listener for.
var errNoIdentity = errors.New("no identity")

// forbidden is AWS's answer to a client that is not authorised: CONNACK
// 0x87, HTTP 403 ForbiddenException "Forbidden" (broker.md §1.12, §4.4).
func forbidden(err error) *authError {
	return &authError{connack: packets.ErrNotAuthorized, status: http.StatusForbidden,
		errType: "ForbiddenException", message: "Forbidden", err: err}
}

// authCore is strict mode's state: the identity sources, the parsed
// policies and the ARN prefixes of requests.
type authCore struct {
	s       *Server
	sources []identitySource
	popts   policy.Options

	mu     sync.RWMutex
	parsed map[string]*policy.Policy // by document text: one parse per policy version

	topicPrefix, filterPrefix, clientPrefix string
}

// maxParsedPolicies bounds the parse cache; it is emptied when full.
const maxParsedPolicies = 4096

// newAuth returns the auth core of strict mode, nil in permissive mode.
func newAuth(s *Server) (*authCore, error) {
	if !s.cfg.Auth.strict() {
		return nil, nil
	}
	a := &authCore{s: s, parsed: map[string]*policy.Policy{},
		popts:        policy.Options{Compat: s.cfg.Auth.Compat.PolicyCompat},
		topicPrefix:  policy.TopicARN(s.cfg.Region, s.cfg.AccountID, ""),
		filterPrefix: policy.TopicFilterARN(s.cfg.Region, s.cfg.AccountID, ""),
		clientPrefix: policy.ClientARN(s.cfg.Region, s.cfg.AccountID, ""),
	}
	sig, err := newSigV4Source(s)
	if err != nil {
		return nil, err
	}
	a.sources = []identitySource{certSource{s}, sig}
	return a, nil
}

// prependSource puts src before the built-in sources: the custom
// authorizer is tried first. Call it from New, before Start.
func (a *authCore) prependSource(src identitySource) {
	a.sources = append([]identitySource{src}, a.sources...)
}

// parse returns the parsed policy of a document, parsing it once.
func (a *authCore) parse(doc string) (*policy.Policy, error) {
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

// resolveMQTT asks the sources in order who an MQTT client is.
func (a *authCore) resolveMQTT(cl *mqtt.Client, pk packets.Packet) (*authIdentity, error) {
	for _, src := range a.sources {
		id, ok, err := src.resolveMQTT(cl, pk)
		if ok {
			return id, err
		}
	}
	return nil, forbidden(errNoIdentity)
}

// resolveHTTP asks the sources in order who an HTTP client is.
func (a *authCore) resolveHTTP(r *http.Request, body []byte) (*authIdentity, error) {
	for _, src := range a.sources {
		id, ok, err := src.resolveHTTP(r, body)
		if ok {
			return id, err
		}
	}
	return nil, forbidden(errNoIdentity)
}

// allowed authorises one request of an identity.
func (id *authIdentity) allowed(action, resource string, ctx *policy.Context) bool {
	if id.allowAll {
		return true
	}
	return policy.Evaluate(id.policies, policy.Request{Action: action, Resource: resource, Context: ctx}).Allowed()
}
