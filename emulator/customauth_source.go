package emulator

import (
	"context"
	"crypto/tls"
	"net/http"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// customAuthSource is strict mode's first identity source: a request that
// names an authorizer (x-amz-customauthorizer-name), or any request without
// a client certificate or SigV4 signature while a default authorizer is
// set, is authenticated by the authorizer's Lambda function, whose
// principalId and policy documents become the identity.
// AWS: custom-auth.html, config-custom-auth.html (broker.md §5.5).
type customAuthSource struct{ s *Server }

var _ identitySource = customAuthSource{}

// claims reports whether the custom authorizer applies: named, or no
// other credential and a default authorizer set.
func (src customAuthSource) claims(p authPresented, otherCredential bool) bool {
	if p.named() {
		return true
	}
	if otherCredential {
		return false
	}
	_, err := src.s.authorizers.defaultAuthorizer()
	return err == nil
}

// resolveMQTT reads the CONNECT user name (and, over WebSocket, the
// upgrade's headers and query when the user name names no authorizer).
func (src customAuthSource) resolveMQTT(cl *mqtt.Client, pk packets.Packet) (*authIdentity, bool, error) {
	username := string(pk.Connect.Username)
	p := presentedInUsername(username)
	bc, _ := cl.Net.Conn.(*brokerConn)
	var upgrade *http.Request
	if bc != nil {
		upgrade = bc.upgrade
	}
	if !p.named() && upgrade != nil {
		if hp := presentedInHTTP(upgrade); hp.named() {
			p = hp
		}
	}
	other := bc != nil && bc.peerCertificate() != nil || upgrade != nil && hasSigV4(upgrade)
	if !src.claims(p, other) {
		return nil, false, nil
	}
	var ev authorizerEvent
	if sni, ok := serverName(bc, upgrade); ok {
		ev.withTLS(sni)
	}
	if upgrade != nil {
		ev.withHTTP(upgrade)
	}
	ev.withMQTT(username, pk.Connect.Password, pk.Connect.PasswordFlag, pk.Connect.ClientIdentifier)
	id, err := src.authenticate(p, ev, true, func(id *authIdentity) { src.s.authTimers.arm(clientFinder(cl), id) })
	return id, true, err
}

// resolveHTTP reads an iot-data request's or a /mqtt upgrade's headers
// and query. "The customer authorizer for the HTTPS protocol only supports
// publish operations" (custom-auth.html): the policies decide the rest.
func (src customAuthSource) resolveHTTP(r *http.Request, _ []byte) (*authIdentity, bool, error) {
	p := presentedInHTTP(r)
	cert := r.TLS != nil && len(r.TLS.PeerCertificates) > 0
	if !src.claims(p, cert || hasSigV4(r)) {
		return nil, false, nil
	}
	isUpgrade := r.URL.Path == "/mqtt"
	if isUpgrade && !p.named() {
		if _, ok := p.token(src.defaultTokenKey()); !ok {
			return nil, false, nil // credentials may come in the CONNECT
		}
	}
	var ev authorizerEvent
	if r.TLS != nil {
		ev.withTLS(r.TLS.ServerName)
	}
	ev.withHTTP(r)
	id, err := src.authenticate(p, ev, isUpgrade, func(id *authIdentity) { src.s.authTimers.arm(upgradeFinder(src.s, r), id) })
	return id, true, err
}

// defaultTokenKey is the default authorizer's token key name, "" if none.
func (src customAuthSource) defaultTokenKey() string {
	a, err := src.s.authorizers.defaultAuthorizer()
	if err != nil {
		return ""
	}
	return a.TokenKeyName
}

// authenticate runs the authorizer and turns its answer into an
// identity; for MQTT connections (timed) the refresh and disconnect
// deadlines are set and armed.
func (src customAuthSource) authenticate(p authPresented, ev authorizerEvent, timed bool, arm func(*authIdentity)) (*authIdentity, error) {
	ca, err := src.s.startCustomAuth(p, ev, src.s.auth.parse)
	if err != nil {
		return nil, customAuthError(err)
	}
	id, err := ca.identity(context.Background())
	if err != nil {
		return nil, customAuthError(err)
	}
	if timed && (!id.refreshAt.IsZero() || !id.disconnectAt.IsZero()) {
		arm(id)
	}
	return id, nil
}

// identity invokes the function and builds the identity, with a refresh
// that invokes it again with the same event.
func (c *customAuth) identity(ctx context.Context) (*authIdentity, error) {
	res, err := c.invoke(ctx)
	if err != nil {
		return nil, err
	}
	now, second := c.s.customAuthNow(), c.s.customAuthSecond()
	id := &authIdentity{principal: res.principalID, policies: res.policies, registered: true, lookupThing: true,
		disconnectAt: deadline(now, res.disconnectAfter, second), refreshAt: deadline(now, res.refreshAfter, second)}
	if !id.refreshAt.IsZero() {
		id.refresh = func() (*authIdentity, error) { return c.identity(context.Background()) }
	}
	return id, nil
}

// customAuthError is how a refusal reaches the client: HTTP 403
// ForbiddenException "Forbidden" (AWS: custom-auth-tutorial.html, broker.md
// §4.4), MQTT 3.1.1 connection closed, MQTT 5 CONNACK 0x86 or 0x87
// (isCredentialFailure).
func customAuthError(err error) *authError {
	ae := forbidden(err)
	if isCredentialFailure(err) {
		ae.connack = packets.ErrBadUsernameOrPassword
	}
	return ae
}

// serverName is the SNI of a TLS (or WSS) connection.
func serverName(bc *brokerConn, upgrade *http.Request) (string, bool) {
	if upgrade != nil {
		if upgrade.TLS == nil {
			return "", false
		}
		return upgrade.TLS.ServerName, true
	}
	if bc == nil {
		return "", false
	}
	if tc, ok := bc.Conn.(*tls.Conn); ok {
		return tc.ConnectionState().ServerName, true
	}
	return "", false
}
