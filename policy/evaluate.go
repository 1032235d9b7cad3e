package policy

import "time"

// Request is one operation to authorise.
type Request struct {
	// Action is the IoT action, e.g. ActionPublish ("iot:Publish").
	Action string
	// Resource is the ARN of the resource (TopicARN, TopicFilterARN,
	// ClientARN, ThingARN), or "*" for the actions whose resource is `*`
	// (iot:ListRetainedMessages, iot:ListNamedShadowsForThing).
	Resource string
	// Context holds the policy variables and condition keys; nil means
	// none. Build it once per connection (ConnectionContext).
	Context *Context
	// Time, when set, provides aws:CurrentTime and aws:EpochTime.
	Time time.Time
}

// Effect is the outcome of Evaluate.
type Effect uint8

const (
	// ImplicitDeny means no statement allows the request (default deny).
	ImplicitDeny Effect = iota
	// Allow means a statement allows it and none denies it.
	Allow
	// ExplicitDeny means a Deny statement matches; it wins over any Allow.
	ExplicitDeny
)

// String returns "ImplicitDeny", "Allow" or "ExplicitDeny".
func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case ExplicitDeny:
		return "ExplicitDeny"
	}
	return "ImplicitDeny"
}

// Decision is the result of Evaluate.
type Decision struct {
	Effect Effect
	// Policy and Statement (index in the document, Sid) name the deciding
	// statement: the first matching Deny, or the first matching Allow.
	// Policy is nil for ImplicitDeny.
	Policy    *Policy
	Statement int
	Sid       string
}

// Allowed reports whether the request is allowed.
func (d Decision) Allowed() bool { return d.Effect == Allow }

// Evaluate authorises req against the policies of a principal: default
// deny, any matching Deny wins, otherwise any matching Allow allows.
// AWS: iot-policies.html; IAM reference_policies_evaluation-logic.html
// (https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html#iot-policies). Nil policies are skipped. It allocates nothing for
// patterns without variables and is safe for concurrent use.
func Evaluate(policies []*Policy, req Request) Decision {
	var allow Decision
	for _, p := range policies {
		if p == nil {
			continue
		}
		e := env{ctx: req.Context, now: req.Time, wildcards: p.wildcards}
		for i := range p.statements {
			st := &p.statements[i]
			if !st.matches(req.Action, req.Resource, &e) {
				continue
			}
			d := Decision{Effect: Allow, Policy: p, Statement: i, Sid: st.sid}
			if st.deny {
				d.Effect = ExplicitDeny
				return d
			}
			if allow.Policy == nil {
				allow = d
			}
		}
	}
	return allow
}
