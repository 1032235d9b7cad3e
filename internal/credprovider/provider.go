package credprovider

import (
	"crypto/x509"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/iotemu/iotemu/internal/authz"
	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/sigv4"
)

// Registry is what the provider reads of the registry.
type Registry interface {
	DescribeRoleAlias(alias string) (registry.RoleAlias, error)
}

// Authorizer decides and issues; *authz.Authorizer satisfies it.
type Authorizer interface {
	AssumeRole(cert *x509.Certificate, thingName, roleAliasARN string) error
	IssueCredentials(principal string, d time.Duration) (sigv4.Credentials, time.Time)
}

var (
	_ Registry   = (*registry.Registry)(nil)
	_ Authorizer = (*authz.Authorizer)(nil)
)

// Config configures the provider.
type Config struct {
	Registry   Registry
	Authorizer Authorizer
	// Enforce checks the certificate and its policies (strict mode);
	// false gives any client certificate credentials (permissive mode).
	Enforce bool
	// AccountID names the assumed-role principal of issued credentials.
	AccountID string
	Logger    *slog.Logger
}

// Provider serves the credentials requests.
type Provider struct{ cfg Config }

// New returns the provider.
func New(cfg Config) *Provider {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Provider{cfg}
}

// Path is the credentials request's route.
const Path = "/role-aliases/{roleAlias}/credentials"

// Register adds the credentials route.
func (p *Provider) Register(rt *route.Router) {
	rt.HandleFunc(Path, p.serve, http.MethodGet)
}

// headerThingName names the device's thing.
const headerThingName = "x-amzn-iot-thingname"

// Errors. The 403 AccessDeniedException shape and "Certificate is invalid
// on this endpoint" are observed (awslabs
// aws-iot-core-credential-provider-session-helper dev notes); which
// refusal gets which message, "Access Denied" and the 404 are UNCONFIRMED
// (docs/compatibility.md).
func errInvalidCertificate() *awsrest.Error {
	return awsrest.Errorf(http.StatusForbidden, "AccessDeniedException", "Certificate is invalid on this endpoint")
}

func errAccessDenied() *awsrest.Error {
	return awsrest.Errorf(http.StatusForbidden, "AccessDeniedException", "Access Denied")
}

type credentialsBody struct {
	Credentials struct {
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		SessionToken    string `json:"sessionToken"`
		Expiration      string `json:"expiration"`
	} `json:"credentials"`
}

func (p *Provider) serve(w http.ResponseWriter, r *http.Request) {
	id := w.Header().Get("x-amzn-RequestId")
	alias := r.PathValue("roleAlias")
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		p.cfg.Logger.Info("credentials provider: refused, no client certificate", "roleAlias", alias)
		writeError(w, id, errInvalidCertificate())
		return
	}
	cert := r.TLS.PeerCertificates[0]
	ra, err := p.cfg.Registry.DescribeRoleAlias(alias)
	if err != nil {
		p.cfg.Logger.Info("credentials provider: unknown role alias", "roleAlias", alias)
		writeError(w, id, awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound, "Role alias does not exist"))
		return
	}
	thing := r.Header.Get(headerThingName)
	if p.cfg.Enforce {
		if err := p.cfg.Authorizer.AssumeRole(cert, thing, ra.ARN); err != nil {
			p.cfg.Logger.Info("credentials provider: refused", "roleAlias", alias, "thing", thing, "reason", err)
			if authz.InvalidCertificate(err) {
				writeError(w, id, errInvalidCertificate())
				return
			}
			writeError(w, id, errAccessDenied())
			return
		}
	}
	certID := registry.CertificateID(cert.Raw)
	principal := "arn:aws:sts::" + p.cfg.AccountID + ":assumed-role/" + roleName(ra.RoleARN) + "/" + certID
	c, expires := p.cfg.Authorizer.IssueCredentials(principal, time.Duration(ra.CredentialDurationSeconds)*time.Second)
	var body credentialsBody
	body.Credentials.AccessKeyID, body.Credentials.SecretAccessKey = c.AccessKeyID, c.SecretAccessKey
	body.Credentials.SessionToken = c.SessionToken
	body.Credentials.Expiration = expires.UTC().Format(time.RFC3339)
	p.cfg.Logger.Info("credentials provider: issued", "roleAlias", alias, "thing", thing, "certificateId", certID,
		"accessKeyId", c.AccessKeyID, "expiration", body.Credentials.Expiration)
	awsrest.WriteJSON(w, id, body)
}

// roleName is the name part of a role ARN (arn:aws:iam::acct:role/path/name).
func roleName(roleARN string) string {
	if i := strings.LastIndexByte(roleARN, '/'); i >= 0 {
		return roleARN[i+1:]
	}
	return roleARN
}

// writeError answers as the credentials provider was observed to: the
// type header without the control plane's trailing colon, a body of
// {"message"} alone.
func writeError(w http.ResponseWriter, requestID string, e *awsrest.Error) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-RequestId", requestID)
	h.Set("x-amzn-ErrorType", e.Type)
	body, _ := json.Marshal(struct {
		Message string `json:"message"`
	}{e.Message}) // a string always marshals
	w.WriteHeader(e.Status)
	_, _ = w.Write(body) // the client went away; nothing to report it to
}
