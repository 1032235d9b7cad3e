package emulator

import (
	"context"
	"fmt"
	"time"

	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/internal/customauth"
	"github.com/iotemu/iotemu/lambdafn"
)

// The custom authorizers (internal/customauth) as the Server composes them:
// the store, the service that authenticates devices with them (strict
// mode's first identity source), the invoker of their functions, and the
// Go API.

// Authorizer statuses. AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_AuthorizerDescription.html#iot-Type-AuthorizerDescription-status
const (
	AuthorizerActive   = customauth.Active
	AuthorizerInactive = customauth.Inactive
)

// Authorizer is one custom authorizer as DescribeAuthorizer shows it.
type Authorizer struct {
	Name        string
	ARN         string
	FunctionARN string // the authorizer's Lambda function (name or ARN)
	// TokenKeyName is the header, query parameter or username key the
	// token travels in; required when signing is enabled.
	TokenKeyName string
	// TokenSigningPublicKeys are PEM public keys (RSA ≥ 2048 bits) by key
	// name; the token's signature must verify with one of them unless
	// SigningDisabled.
	TokenSigningPublicKeys map[string]string
	SigningDisabled        bool
	Status                 string // AuthorizerActive or AuthorizerInactive
	EnableCachingForHTTP   bool
	CreationDate           time.Time
	LastModifiedDate       time.Time
}

func (a Authorizer) internal() *customauth.Authorizer {
	return &customauth.Authorizer{Name: a.Name, ARN: a.ARN, FunctionARN: a.FunctionARN, TokenKeyName: a.TokenKeyName,
		TokenSigningPublicKeys: a.TokenSigningPublicKeys, SigningDisabled: a.SigningDisabled, Status: a.Status,
		EnableCachingForHTTP: a.EnableCachingForHTTP, CreationDate: a.CreationDate, LastModifiedDate: a.LastModifiedDate}
}

func publicAuthorizer(a *customauth.Authorizer) Authorizer {
	return Authorizer{Name: a.Name, ARN: a.ARN, FunctionARN: a.FunctionARN, TokenKeyName: a.TokenKeyName,
		TokenSigningPublicKeys: a.TokenSigningPublicKeys, SigningDisabled: a.SigningDisabled, Status: a.Status,
		EnableCachingForHTTP: a.EnableCachingForHTTP, CreationDate: a.CreationDate, LastModifiedDate: a.LastModifiedDate}
}

// Authorizers returns the custom authorizers, to create them from Go.
func (s *Server) Authorizers() *Authorizers { return &Authorizers{s.authorizers} }

// Authorizers manages the custom authorizers from Go, with the control
// plane's validation and errors (each error is the API's message).
type Authorizers struct{ st *customauth.Store }

// Create adds an authorizer (Name, FunctionARN and the token settings;
// Status defaults to ACTIVE) and returns it with its ARN and dates.
func (a *Authorizers) Create(in Authorizer) (Authorizer, error) {
	out, err := a.st.Create(in.internal())
	if err != nil {
		return Authorizer{}, err
	}
	return publicAuthorizer(out), nil
}

// SetDefault makes the named authorizer the account's default.
func (a *Authorizers) SetDefault(name string) error {
	if _, err := a.st.SetDefault(name); err != nil {
		return err
	}
	return nil
}

// Describe returns the named authorizer.
func (a *Authorizers) Describe(name string) (Authorizer, error) {
	out, err := a.st.Get(name)
	if err != nil {
		return Authorizer{}, err
	}
	return publicAuthorizer(out), nil
}

// newAuthorizers creates the empty authorizer store and the custom
// authentication service and, in strict mode, puts the custom authorizer
// first among the identity sources (after newAuthz); the broker runs the
// deadlines of its MQTT connections.
func (s *Server) newAuthorizers() {
	s.authorizers = customauth.NewStore(s.cfg.Now, func(name string) string {
		return "arn:aws:iot:" + s.cfg.Region + ":" + s.cfg.AccountID + ":authorizer/" + name
	})
	cfg := customauth.Config{Invoker: authorizerInvoker{s}, Now: s.authNow, Second: s.authSecond()}
	if s.authz != nil {
		cfg.Parse = s.authz.Parse
	}
	s.customAuth = customauth.NewService(s.authorizers, cfg)
	if s.authz != nil {
		s.authz.Prepend(s.customAuth)
	}
}

// applyAuthorizerFixtures creates the fixtures' custom authorizers.
func (s *Server) applyAuthorizerFixtures(as []fixtures.Authorizer) []error {
	return customauth.ApplyFixtures(s.authorizers, as)
}

// authorizerInvoker runs an authorizer's function through the Server's one
// Lambda invoker: in process when registered, else the Lambda Invoke API at
// the configured Lambda endpoint (Config.Actions.Endpoints.Lambda, or Base).
// The invoker is read at each call: it is built after the authorizers.
type authorizerInvoker struct{ s *Server }

var _ customauth.Invoker = authorizerInvoker{}

func (inv authorizerInvoker) Invoke(ctx context.Context, function string, event []byte) ([]byte, error) {
	res, err := inv.s.invoker.Invoke(ctx, lambdafn.Request{Function: function, Payload: event})
	if err != nil {
		return nil, fmt.Errorf("invoke authorizer function: %w", err)
	}
	return res.Payload, nil
}
