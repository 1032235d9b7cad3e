package authz

import (
	"errors"
	"fmt"
	"slices"

	"github.com/iotemu/iotemu/policy"
)

// This file is TestAuthorization: the decisions strict mode would take for
// a principal, asked without connecting. It resolves the principal as the
// certificate source does at CONNECT (the principal's policies, its
// thing's groups' policies, the thing and certificate variables) and
// evaluates with the same engine (Identity.Allowed, policy.Evaluate).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_TestAuthorization.html#API_TestAuthorization_RequestSyntax

// Simulation is one TestAuthorization request.
type Simulation struct {
	// Principal is a certificate ARN or a Cognito identity ID.
	Principal string
	// ClientID is the MQTT client ID: iot:ClientId and, as at CONNECT,
	// the thing of the Thing policy variables when it names one.
	ClientID string
	// Add and Skip are policyNamesToAdd and policyNamesToSkip.
	Add, Skip []string
	// Checks are the authInfos.
	Checks []Check
}

// Check is one authInfo: an action on resources (ARNs).
type Check struct {
	Action    string
	Resources []string
}

// PolicyRef names a policy of a result.
type PolicyRef struct{ Name, ARN string }

// CheckResult is one authResult: the decision over all of the check's
// resources (any explicit deny wins, then any resource not allowed is an
// implicit deny), and each evaluated policy under the decision it takes
// on its own.
type CheckResult struct {
	Check                               Check
	Decision                            policy.Effect
	Allowed, ExplicitDeny, ImplicitDeny []PolicyRef
}

// ErrSimulation marks a request Simulate cannot answer (an unknown policy
// or principal): the registry's error is wrapped.
var ErrSimulation = errors.New("test authorization")

// Simulate answers a TestAuthorization request.
func (a *Authorizer) Simulate(s Simulation) ([]CheckResult, error) {
	if err := a.reg.CheckPrincipal(s.Principal); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSimulation, err)
	}
	reg := a.reg.IdentityForPrincipal(s.Principal, s.ClientID)
	added, err := a.reg.PoliciesByName(s.Add)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSimulation, err)
	}
	var refs []PolicyRef
	var parsed []*policy.Policy
	for _, ap := range append(reg.Policies, added...) {
		if contains(s.Skip, ap.Name) || containsRef(refs, ap.Name) {
			continue
		}
		p, err := a.Parse(ap.Document)
		if err != nil {
			return nil, fmt.Errorf("%w: policy %s: %w", ErrSimulation, ap.Name, err)
		}
		refs = append(refs, PolicyRef{ap.Name, ap.ARN})
		parsed = append(parsed, p)
	}
	conn := policy.Connection{ClientID: s.ClientID}
	setThing(&conn, reg)
	conn.Certificate = reg.Certificate.X509
	ctx := policy.ConnectionContext(conn)
	out := make([]CheckResult, 0, len(s.Checks))
	for _, c := range s.Checks {
		r := CheckResult{Check: c, Decision: decide(parsed, c, ctx)}
		for i, p := range parsed {
			switch decide([]*policy.Policy{p}, c, ctx) {
			case policy.Allow:
				r.Allowed = append(r.Allowed, refs[i])
			case policy.ExplicitDeny:
				r.ExplicitDeny = append(r.ExplicitDeny, refs[i])
			default:
				r.ImplicitDeny = append(r.ImplicitDeny, refs[i])
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// decide evaluates a check on every resource: an explicit deny of any
// wins; any resource not allowed is an implicit deny.
func decide(policies []*policy.Policy, c Check, ctx *policy.Context) policy.Effect {
	effect := policy.Allow
	for _, res := range c.Resources {
		switch policy.Evaluate(policies, policy.Request{Action: c.Action, Resource: res, Context: ctx}).Effect {
		case policy.ExplicitDeny:
			return policy.ExplicitDeny
		case policy.ImplicitDeny:
			effect = policy.ImplicitDeny
		}
	}
	if len(c.Resources) == 0 {
		return policy.ImplicitDeny
	}
	return effect
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

func containsRef(list []PolicyRef, name string) bool {
	for _, r := range list {
		if r.Name == name {
			return true
		}
	}
	return false
}
