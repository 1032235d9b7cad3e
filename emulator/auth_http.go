package emulator

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/policy"
)

// Strict mode on the HTTP ports: the iot-data operations are
// authenticated (identity sources) and authorised with the identity's
// policies (§4.3 actions and resources); the control plane needs a valid
// SigV4 signature of any configured credential (IAM is not emulated).
// AWS: broker.md §4.1, §4.3, §4.4.

// maxAuthBodyBytes bounds the body read to verify a signature; the
// handlers apply their own, smaller, limits.
const maxAuthBodyBytes = 4 << 20

// withAuth wraps the router: the identity of every iot-data request is
// resolved and authorised before its handler runs. Permissive mode: h.
func (s *Server) withAuth(h http.Handler) http.Handler {
	if s.auth == nil {
		return h
	}
	control, err := newVerifier(s, controlPlaneServices)
	if err != nil {
		panic(err) // newAuth built the same verifier with the same credentials
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, kind := s.auth.classify(r)
		if kind == publicPath {
			h.ServeHTTP(w, r)
			return
		}
		body, ok := readAuthBody(w, r)
		if !ok {
			return
		}
		if kind == controlPlane {
			if !s.cfg.Auth.Compat.UnsignedControlPlane {
				if _, err := control.Verify(r, body); err != nil {
					writeAuthError(w, signatureError(err))
					return
				}
			}
		} else if !s.auth.authorizeHTTP(w, r, body, op) {
			return
		}
		h.ServeHTTP(w, r)
	})
}

// readAuthBody reads the body for the signature and puts it back.
func readAuthBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAuthBodyBytes+1))
	if err != nil {
		writeError(w, invalid("Unable to read the request body: %v", err))
		return nil, false
	}
	if len(body) > maxAuthBodyBytes {
		writeError(w, awsrest.Errorf(http.StatusRequestEntityTooLarge, awsrest.RequestEntityTooLarge, "Request entity too large"))
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, true
}

// authorizeHTTP authenticates an iot-data request and authorises each
// action of op; on refusal it answers and returns false.
func (a *authCore) authorizeHTTP(w http.ResponseWriter, r *http.Request, body []byte, op httpOp) bool {
	id, err := a.resolveHTTP(r, body)
	if err != nil {
		var ae *authError
		if !errors.As(err, &ae) {
			ae = forbidden(err)
		}
		writeAuthError(w, ae)
		return false
	}
	c := id.conn
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		c.SourceIP = host
	}
	ctx := policy.ConnectionContext(c)
	for _, action := range op.actions {
		if !id.allowed(action, op.resource, ctx) {
			writeAuthError(w, a.denied())
			return false
		}
	}
	return true
}

// denied is the answer to a signed request its policies deny: 403
// ForbiddenException "Forbidden" as observed (broker.md §4.4), or the
// modelled 401 UnauthorizedException under Compat.UnauthorizedStatus401.
func (a *authCore) denied() *authError {
	ae := forbidden(errors.New("denied by policy"))
	if a.s.cfg.Auth.Compat.UnauthorizedStatus401 {
		ae.status, ae.errType, ae.message = http.StatusUnauthorized, awsrest.Unauthorized, "Unauthorized"
	}
	return ae
}

func writeAuthError(w http.ResponseWriter, ae *authError) {
	writeError(w, &awsrest.Error{Status: ae.status, Type: ae.errType, Message: ae.message})
}

// pathKind says how strict mode treats a path.
type pathKind int

const (
	publicPath   pathKind = iota // /health, /ca.pem, /mqtt (checked at the upgrade), /iotemu/...
	dataPlane                    // iot-data: identity and policies
	controlPlane                 // everything else: a valid signature
)

// httpOp is the IoT policy check of one iot-data operation.
type httpOp struct {
	actions  []string
	resource string
}

// classify maps a request to its actions and resource.
// AWS: iot-policy-actions.html, iot-action-resources.html (broker.md §4.3);
// iot:GetConnection, iot:ListSubscriptions and iot:SendDirectMessage on
// the client ARN are UNCONFIRMED names.
func (a *authCore) classify(r *http.Request) (httpOp, pathKind) {
	p := r.URL.EscapedPath()
	reg, acct := a.s.cfg.Region, a.s.cfg.AccountID
	switch {
	case p == "/health" || p == "/ca.pem" || p == "/mqtt" || strings.HasPrefix(p, "/iotemu/"):
		return httpOp{}, publicPath
	case strings.HasPrefix(p, "/topics/"):
		acts := []string{policy.ActionPublish}
		if strings.EqualFold(r.URL.Query().Get("retain"), "true") {
			acts = append(acts, policy.ActionRetainPublish)
		}
		return httpOp{acts, a.topicPrefix + unescape(p[len("/topics/"):])}, dataPlane
	case p == "/retainedMessage":
		return httpOp{[]string{policy.ActionListRetainedMessages}, "*"}, dataPlane
	case strings.HasPrefix(p, "/retainedMessage/"):
		return httpOp{[]string{policy.ActionGetRetainedMessage}, a.topicPrefix + unescape(p[len("/retainedMessage/"):])}, dataPlane
	case strings.HasPrefix(p, "/api/things/shadow/ListNamedShadowsForThing/"):
		return httpOp{[]string{policy.ActionListNamedShadowsForThing}, "*"}, dataPlane
	case strings.HasPrefix(p, "/things/") && strings.HasSuffix(p, "/shadow"):
		thing := unescape(strings.TrimSuffix(p[len("/things/"):], "/shadow"))
		return httpOp{[]string{shadowAction(r.Method)}, policy.ThingARN(reg, acct, thing, r.URL.Query().Get("name"))}, dataPlane
	case strings.HasPrefix(p, "/connections/"):
		return connectionOp(r.Method, p[len("/connections/"):], a.clientPrefix)
	}
	return httpOp{}, controlPlane
}

func shadowAction(method string) string {
	switch method {
	case http.MethodPost:
		return policy.ActionUpdateThingShadow
	case http.MethodDelete:
		return policy.ActionDeleteThingShadow
	}
	return policy.ActionGetThingShadow
}

// connectionOp is the check of the /connections/{clientId}... operations.
func connectionOp(method, rest, clientPrefix string) (httpOp, pathKind) {
	id, sub, _ := strings.Cut(rest, "/")
	res := clientPrefix + unescape(id)
	switch {
	case sub == "subscriptions":
		return httpOp{[]string{"iot:ListSubscriptions"}, res}, dataPlane
	case sub == "messages":
		return httpOp{[]string{"iot:SendDirectMessage"}, res}, dataPlane
	case method == http.MethodDelete:
		return httpOp{[]string{policy.ActionDeleteConnection}, res}, dataPlane
	}
	return httpOp{[]string{"iot:GetConnection"}, res}, dataPlane
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// upgrade authenticates a /mqtt upgrade: a refused signature (or
// authorizer token) is answered here with AWS's HTTP error and no upgrade;
// a request no source claims (no signature: a certificate, or MQTT
// username/password for a custom authorizer) is left to the CONNECT.
func (a *authCore) upgrade(w http.ResponseWriter, r *http.Request) (*authIdentity, bool) {
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		return nil, true // certSource at CONNECT, with the client ID
	}
	id, err := a.resolveHTTP(r, nil)
	switch {
	case errors.Is(err, errNoIdentity):
		return nil, true
	case err != nil:
		var ae *authError
		if !errors.As(err, &ae) {
			ae = forbidden(err)
		}
		writeAuthError(w, ae)
		return nil, false
	}
	return id, true
}
