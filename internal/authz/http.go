package authz

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/policy"
)

// Strict mode on the HTTP ports: the iot-data operations are
// authenticated (identity sources) and authorised with the identity's
// policies (Classify: actions and resources); the control plane needs a
// valid SigV4 signature of any configured credential (IAM is not
// emulated).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/http.html#http

// maxAuthBodyBytes bounds the body read to verify a signature; the
// handlers apply their own, smaller, limits.
const maxAuthBodyBytes = 4 << 20

// Middleware wraps the router: the identity of every iot-data request is
// resolved and authorised, and every control-plane request's signature
// verified, before next runs. Refusals are answered with writeError.
func (a *Authorizer) Middleware(next http.Handler, writeError func(http.ResponseWriter, *awsrest.Error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, kind := a.Classify(r)
		if kind == PublicPath {
			next.ServeHTTP(w, r)
			return
		}
		body, apiErr := readBody(r)
		if apiErr != nil {
			writeError(w, apiErr)
			return
		}
		var err error
		if kind == ControlPlane {
			err = a.VerifyControlPlane(r, body)
		} else {
			err = a.AuthorizeHTTP(r.Context(), r, body, op)
		}
		if err != nil {
			writeError(w, AsError(err).APIError())
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readBody reads the body for the signature and puts it back.
func readBody(r *http.Request) ([]byte, *awsrest.Error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAuthBodyBytes+1))
	if err != nil {
		return nil, awsrest.Errorf(http.StatusBadRequest, awsrest.InvalidRequest, "Unable to read the request body: %v", err)
	}
	if len(body) > maxAuthBodyBytes {
		return nil, awsrest.Errorf(http.StatusRequestEntityTooLarge, awsrest.RequestEntityTooLarge, "Request entity too large")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// VerifyControlPlane checks a control-plane request's signature (any
// configured credential; none under Config.UnsignedControlPlane).
func (a *Authorizer) VerifyControlPlane(r *http.Request, body []byte) error {
	if a.cfg.UnsignedControlPlane {
		return nil
	}
	if _, err := a.control.Verify(r, body); err != nil {
		return SignatureError(err)
	}
	return nil
}

// AuthorizeHTTP authenticates an iot-data request and authorises each
// action of op; a refusal is an *Error.
func (a *Authorizer) AuthorizeHTTP(ctx context.Context, r *http.Request, body []byte, op Op) error {
	p := FromHTTP(TransportHTTP, r, body)
	id, err := a.Resolve(ctx, p)
	if err != nil {
		return AsError(err)
	}
	c := id.Conn
	c.SourceIP = p.SourceIP
	pctx := policy.ConnectionContext(c)
	for _, action := range op.Actions {
		if d := id.Decide(action, op.Resource, pctx); !d.Allowed {
			a.logDenial(ctx, "(http)", id.Principal, d)
			ae := a.denied()
			ae.Err = fmt.Errorf("denied %s", d)
			return ae
		}
	}
	return nil
}

// denied is the answer to a signed request its policies deny: 403
// ForbiddenException "Forbidden" as observed, or the modelled 401
// UnauthorizedException under Config.UnauthorizedStatus401
// (docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_Publish.html#API_iotdata_Publish_Errors
func (a *Authorizer) denied() *Error {
	ae := Forbidden(errors.New("denied by policy"))
	if a.cfg.UnauthorizedStatus401 {
		ae.Status, ae.Type, ae.Message = http.StatusUnauthorized, awsrest.Unauthorized, "Unauthorized"
	}
	return ae
}

// Upgrade authenticates a /mqtt upgrade. A refused signature (or
// authorizer token) is an *Error: the caller answers it and does not
// upgrade. A request no source claims (no signature: a certificate, or MQTT
// username/password for a custom authorizer) is left to the CONNECT:
// (nil, nil).
func (a *Authorizer) Upgrade(ctx context.Context, r *http.Request) (*Identity, error) {
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		return nil, nil // the certificate source at CONNECT, with the client ID
	}
	t := TransportWS
	if r.TLS != nil {
		t = TransportWSS
	}
	id, err := a.Resolve(ctx, FromHTTP(t, r, nil))
	switch {
	case errors.Is(err, ErrNoIdentity):
		return nil, nil
	case err != nil:
		return nil, AsError(err)
	}
	return id, nil
}
