package authz

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/iotemu/iotemu/policy"
)

// Decision is one authorisation, with what decided it: the request log
// names the action, the resource and the deciding policy statement of
// every strict-mode denial.
type Decision struct {
	Action, Resource string
	Allowed          bool
	// Effect is policy.Effect's name (Allow, ExplicitDeny, ImplicitDeny),
	// or "AllowAll" for an identity allowed every action.
	Effect string
	// Policy names the deciding policy ("" for ImplicitDeny and AllowAll);
	// Statement is its index in the document, Sid its Sid.
	Policy    string
	Statement int
	Sid       string
}

// Reason says what decided: "allowed by policy P statement 0",
// "denied by policy P statement 1 (Sid \"x\")", "no statement allows".
func (d Decision) Reason() string {
	switch d.Effect {
	case "AllowAll":
		return "allowed: the identity is allowed every action"
	case policy.ImplicitDeny.String():
		return "no statement allows"
	}
	verb := "allowed"
	if !d.Allowed {
		verb = "denied"
	}
	s := verb + " by policy " + strconv.Quote(d.Policy) + " statement " + strconv.Itoa(d.Statement)
	if d.Sid != "" {
		s += " (Sid " + strconv.Quote(d.Sid) + ")"
	}
	return s
}

// String is the denial's line: "iot:Publish on arn:...: no statement allows".
func (d Decision) String() string { return d.Action + " on " + d.Resource + ": " + d.Reason() }

// Decide authorises one request of the identity and says what decided.
func (id *Identity) Decide(action, resource string, ctx *policy.Context) Decision {
	d := Decision{Action: action, Resource: resource}
	if id.AllowAll {
		d.Allowed, d.Effect = true, "AllowAll"
		return d
	}
	pd := policy.Evaluate(id.Policies, policy.Request{Action: action, Resource: resource, Context: ctx})
	d.Allowed, d.Effect, d.Statement, d.Sid = pd.Allowed(), pd.Effect.String(), pd.Statement, pd.Sid
	if pd.Policy != nil {
		d.Policy = id.policyName(pd.Policy)
	}
	return d
}

// policyName is the name of one of the identity's policies: its registry
// name, else its place ("policyDocuments[1]").
func (id *Identity) policyName(p *policy.Policy) string {
	for i, q := range id.Policies {
		if q != p {
			continue
		}
		if i < len(id.PolicyNames) && id.PolicyNames[i] != "" {
			return id.PolicyNames[i]
		}
		return fmt.Sprintf("policyDocuments[%d]", i)
	}
	return "(unknown)"
}

// logDenial writes the request log's line of a strict-mode denial.
func (a *Authorizer) logDenial(ctx context.Context, client, principal string, d Decision) {
	if a.cfg.Logger != nil {
		a.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "denied "+d.String(), denialAttrs(client, principal, d)...)
	}
}

// logDenialOnDelivery is logDenial for the checks of a connection's
// packets and deliveries, which run on mochi's goroutines without a
// request context.
func (a *Authorizer) logDenialOnDelivery(client, principal string, d Decision) {
	if a.cfg.Logger == nil {
		return
	}
	attrs := denialAttrs(client, principal, d)
	args := make([]any, len(attrs))
	for i, at := range attrs {
		args[i] = at
	}
	a.cfg.Logger.Info("denied "+d.String(), args...)
}

func denialAttrs(client, principal string, d Decision) []slog.Attr {
	return []slog.Attr{slog.String("component", "authz"), slog.String("client", client), slog.String("principal", principal),
		slog.String("action", d.Action), slog.String("resource", d.Resource), slog.String("effect", d.Effect),
		slog.String("policy", d.Policy), slog.Int("statement", d.Statement), slog.String("sid", d.Sid)}
}
