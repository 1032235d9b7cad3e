package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/internal/authz"
	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/policy"
)

// Policy introspection: ListPolicyPrincipals, GetEffectivePolicies and
// TestAuthorization. TestAuthorization is answered by strict mode's own
// engine (authz.Authorizer.Simulate), in either mode.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListPolicyPrincipals.html#API_ListPolicyPrincipals_RequestSyntax
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_GetEffectivePolicies.html#API_GetEffectivePolicies_RequestSyntax
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_TestAuthorization.html#API_TestAuthorization_RequestSyntax

// Simulator answers TestAuthorization; *authz.Authorizer satisfies it.
type Simulator interface {
	Simulate(authz.Simulation) ([]authz.CheckResult, error)
}

var _ Simulator = (*authz.Authorizer)(nil)

// headerPolicy carries ListPolicyPrincipals' policy name.
const headerPolicy = "x-amzn-iot-policy"

func (c *ControlPlane) registerPolicyQueries(rt *route.Router) {
	rt.Handle("/policy-principals", handle(decodeListPolicyPrincipals, c.listPolicyPrincipals), http.MethodGet)
	rt.Handle("/effective-policies", handle(decodeEffectivePolicies, c.getEffectivePolicies), http.MethodPost)
	if c.cfg.Simulator != nil {
		rt.Handle("/test-authorization", handle(decodeTestAuthorization, c.testAuthorization), http.MethodPost)
	}
}

func decodeListPolicyPrincipals(r *http.Request) (named, error) {
	name, err := awsrest.RequiredHeader(r, headerPolicy)
	var p page
	if err == nil {
		p, err = pageParams(r, "pageSize", "marker")
	}
	if err == nil {
		_, err = awsrest.QueryBool(r, "isAscendingOrder")
	}
	return named{p, name}, err
}

func (c *ControlPlane) listPolicyPrincipals(_ context.Context, in named) (listPrincipalsMarkerOutput, error) {
	list, next, err := c.reg.ListPolicyPrincipals(in.name, in.token, in.size)
	return listPrincipalsMarkerOutput{append([]string{}, list...), next}, err
}

type listPrincipalsMarkerOutput struct {
	Principals []string `json:"principals"`
	NextMarker string   `json:"nextMarker,omitempty"`
}

type effectiveInput struct{ principal, thing string }

func decodeEffectivePolicies(r *http.Request) (effectiveInput, error) {
	var in struct {
		Principal             string `json:"principal"`
		CognitoIdentityPoolID string `json:"cognitoIdentityPoolId"`
	}
	if err := readJSON(r, &in); err != nil {
		return effectiveInput{}, err
	}
	out := effectiveInput{in.Principal, r.URL.Query().Get("thingName")}
	if out.principal == "" && out.thing == "" {
		// Message UNCONFIRMED.
		return out, awsrest.Invalid("Either principal or thingName must be specified")
	}
	return out, nil
}

type effectivePolicy struct {
	PolicyName     string `json:"policyName"`
	PolicyArn      string `json:"policyArn"`
	PolicyDocument string `json:"policyDocument"`
}

type effectivePoliciesOutput struct {
	EffectivePolicies []effectivePolicy `json:"effectivePolicies"`
}

func (c *ControlPlane) getEffectivePolicies(_ context.Context, in effectiveInput) (effectivePoliciesOutput, error) {
	list, err := c.reg.EffectivePolicies(in.principal, in.thing)
	out := effectivePoliciesOutput{EffectivePolicies: []effectivePolicy{}}
	for _, p := range list {
		out.EffectivePolicies = append(out.EffectivePolicies, effectivePolicy{p.Name, p.ARN, p.Document})
	}
	return out, err
}

// authActionTypes maps TestAuthorization's actionType to the IoT action it
// checks. AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_AuthInfo.html#API_AuthInfo_Contents
var authActionTypes = map[string]string{
	"PUBLISH":   policy.ActionPublish,
	"SUBSCRIBE": policy.ActionSubscribe,
	"RECEIVE":   policy.ActionReceive,
	"CONNECT":   policy.ActionConnect,
}

type authInfo struct {
	ActionType string   `json:"actionType,omitempty"`
	Resources  []string `json:"resources"`
}

// maxAuthInfos is AuthInfos' bound (1–10). AWS: BC-IOT AuthInfos.
const maxAuthInfos = 10

type testAuthInput struct {
	sim   authz.Simulation
	infos []authInfo
}

func decodeTestAuthorization(r *http.Request) (testAuthInput, error) {
	var in struct {
		Principal             string     `json:"principal"`
		CognitoIdentityPoolID string     `json:"cognitoIdentityPoolId"`
		AuthInfos             []authInfo `json:"authInfos"`
		PolicyNamesToAdd      []string   `json:"policyNamesToAdd"`
		PolicyNamesToSkip     []string   `json:"policyNamesToSkip"`
	}
	if err := readJSON(r, &in); err != nil {
		return testAuthInput{}, err
	}
	switch {
	case in.AuthInfos == nil:
		return testAuthInput{}, awsrest.Invalid("1 validation error detected: Value null at 'authInfos' failed to satisfy constraint: Member must not be null")
	case len(in.AuthInfos) < 1 || len(in.AuthInfos) > maxAuthInfos:
		return testAuthInput{}, awsrest.Invalid("1 validation error detected: Value at 'authInfos' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1")
	case in.Principal == "":
		// Message UNCONFIRMED (the principal is optional in the model
		// for custom authorizers' tests, which iotemu does not serve).
		return testAuthInput{}, awsrest.Invalid("principal is required")
	}
	sim := authz.Simulation{Principal: in.Principal, ClientID: r.URL.Query().Get("clientId"),
		Add: in.PolicyNamesToAdd, Skip: in.PolicyNamesToSkip}
	for i, ai := range in.AuthInfos {
		action, ok := authActionTypes[ai.ActionType]
		if !ok {
			return testAuthInput{}, awsrest.Invalid("1 validation error detected: Value '%s' at 'authInfos.%d.member.actionType' failed to satisfy constraint: Member must satisfy enum value set: [PUBLISH, SUBSCRIBE, RECEIVE, CONNECT]", ai.ActionType, i+1)
		}
		if ai.Resources == nil {
			return testAuthInput{}, awsrest.Invalid("1 validation error detected: Value null at 'authInfos.%d.member.resources' failed to satisfy constraint: Member must not be null", i+1)
		}
		sim.Checks = append(sim.Checks, authz.Check{Action: action, Resources: ai.Resources})
	}
	return testAuthInput{sim, in.AuthInfos}, nil
}

type policyRefs struct {
	Policies []policyRef `json:"policies"`
}

func refsOf(list []authz.PolicyRef) policyRefs {
	out := policyRefs{Policies: []policyRef{}}
	for _, p := range list {
		out.Policies = append(out.Policies, policyRef{p.Name, p.ARN})
	}
	return out
}

type authResult struct {
	AuthInfo authInfo   `json:"authInfo"`
	Allowed  policyRefs `json:"allowed"`
	Denied   struct {
		ImplicitDeny policyRefs `json:"implicitDeny"`
		ExplicitDeny policyRefs `json:"explicitDeny"`
	} `json:"denied"`
	AuthDecision         string   `json:"authDecision"`
	MissingContextValues []string `json:"missingContextValues"`
}

type testAuthOutput struct {
	AuthResults []authResult `json:"authResults"`
}

// authDecisions are AuthResult.authDecision's values.
var authDecisions = map[policy.Effect]string{
	policy.Allow: "ALLOWED", policy.ExplicitDeny: "EXPLICIT_DENY", policy.ImplicitDeny: "IMPLICIT_DENY",
}

// testAuthorization answers each authInfo. missingContextValues is always
// empty: a variable that does not resolve makes its statement not match,
// as at a real connection (UNCONFIRMED what AWS lists there).
func (c *ControlPlane) testAuthorization(_ context.Context, in testAuthInput) (testAuthOutput, error) {
	results, err := c.cfg.Simulator.Simulate(in.sim)
	if err != nil {
		return testAuthOutput{}, err
	}
	out := testAuthOutput{AuthResults: []authResult{}}
	for i, r := range results {
		ar := authResult{AuthInfo: in.infos[i], Allowed: refsOf(r.Allowed), AuthDecision: authDecisions[r.Decision],
			MissingContextValues: []string{}}
		ar.Denied.ImplicitDeny, ar.Denied.ExplicitDeny = refsOf(r.ImplicitDeny), refsOf(r.ExplicitDeny)
		out.AuthResults = append(out.AuthResults, ar)
	}
	return out, nil
}
