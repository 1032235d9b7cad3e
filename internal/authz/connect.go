package authz

import (
	"context"
	"fmt"

	"github.com/iotemu/iotemu/policy"
)

// Conn is what one MQTT connection may do: its identity and the policy
// variables of the connection, built once at CONNECT and read on every
// PUBLISH, SUBSCRIBE and delivery. A Conn is immutable: a refreshed
// identity makes a new one (WithIdentity).
type Conn struct {
	a      *Authorizer
	id     *Identity
	ctx    *policy.Context
	client string // the client ID in force, for the denials' log lines
}

// Connect authenticates a CONNECT and authorises iot:Connect on the client
// ID and iot:Publish (and iot:RetainPublish) on the Will topic. upgraded is
// the identity established at the WebSocket upgrade, nil if none: the
// sources then resolve the CONNECT. A refusal is an *Error, returned with
// the identity it refused when one was resolved (see ReportRefusal).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/connect-policy.html#connect-policy
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-authfailure-event
func (a *Authorizer) Connect(ctx context.Context, p *Presented, upgraded *Identity) (*Conn, *Identity, error) {
	id := upgraded
	if id == nil {
		var err error
		if id, err = a.Resolve(ctx, p); err != nil {
			return nil, id, AsError(err)
		}
	}
	c := &Conn{a: a, id: id, ctx: policy.ConnectionContext(a.connection(p, id)), client: p.ClientID}
	if d := id.Decide(policy.ActionConnect, a.clientPrefix+p.ClientID, c.ctx); !d.Allowed {
		a.logDenial(ctx, p.ClientID, id.Principal, d)
		return nil, id, Forbidden(fmt.Errorf("denied %s", d))
	}
	if w := p.MQTT.Will; w != nil {
		if d := c.PublishDecision(w.Topic, w.Retain); !d.Allowed {
			a.logDenial(ctx, p.ClientID, id.Principal, d)
			return nil, id, Forbidden(fmt.Errorf("denied on the Will topic: %s", d))
		}
	}
	return c, id, nil
}

// connection is the policy.Connection of a CONNECT: what the source knows,
// plus the client ID, source IP, connect attributes and, for identities
// that are not certificates, the thing named by the client ID.
func (a *Authorizer) connection(p *Presented, id *Identity) policy.Connection {
	c := id.Conn
	c.ClientID = p.ClientID
	c.SourceIP = p.SourceIP
	if id.LookupThing && c.ThingName == "" {
		setThing(&c, a.reg.IdentityForPrincipal(id.Principal, p.ClientID))
	}
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/connect-policy.html#connect-policy
	// Which MQTT 5 properties make a PersistentConnect is unconfirmed: a
	// session that outlives the connection does.
	m := p.MQTT
	persistent := !m.CleanSession
	if m.ProtocolVersion == 5 {
		persistent = m.SessionExpiry > 0
	}
	if persistent {
		c.ConnectAttributes = append(c.ConnectAttributes, policy.ConnectAttrPersistent)
	}
	if m.Will != nil {
		c.ConnectAttributes = append(c.ConnectAttributes, policy.ConnectAttrLastWill)
	}
	return c
}

// ReportRefusal says whether a refused CONNECT publishes connect_failed,
// and with which principal: a registered principal's refusal does (AWS
// cannot attribute an unknown certificate to an account), any refusal
// under Config.ConnectFailedForUnknown.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-authfailure-event
func (a *Authorizer) ReportRefusal(id *Identity) (principal string, report bool) {
	if (id == nil || !id.Registered) && !a.cfg.ConnectFailedForUnknown {
		return "", false
	}
	if id == nil {
		return a.cfg.AnonymousPrincipal, true
	}
	return id.Principal, true
}

// DisconnectOnDenied says whether a denied PUBLISH or SUBSCRIBE ends the
// connection: always for MQTT 3.1.1 (AWS maintainers: "the server will
// close the connection if client does not have authorized action"); MQTT 5
// clients get PUBACK/SUBACK 0x87 and keep it unless
// Config.DisconnectOnDeniedV5 (UNCONFIRMED, docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt
func (a *Authorizer) DisconnectOnDenied(protocolVersion byte) bool {
	return protocolVersion != 5 || a.cfg.DisconnectOnDeniedV5
}

// Identity is the connection's identity.
func (c *Conn) Identity() *Identity { return c.id }

// WithIdentity is the connection with a refreshed identity and the same
// policy variables.
func (c *Conn) WithIdentity(id *Identity) *Conn {
	return &Conn{a: c.a, id: id, ctx: c.ctx, client: c.client}
}

// MayPublish authorises iot:Publish on topic, and iot:RetainPublish too
// when retain is set; a denial is logged.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-actions.html#iot-policy-actions
func (c *Conn) MayPublish(topic string, retain bool) bool {
	return c.logged(c.PublishDecision(topic, retain))
}

// PublishDecision is MayPublish's decision: iot:Publish's, or
// iot:RetainPublish's when Publish is allowed and retain set.
func (c *Conn) PublishDecision(topic string, retain bool) Decision {
	arn := c.a.topicPrefix + topic
	d := c.id.Decide(policy.ActionPublish, arn, c.ctx)
	if !d.Allowed || !retain {
		return d
	}
	return c.id.Decide(policy.ActionRetainPublish, arn, c.ctx)
}

// MaySubscribe authorises iot:Subscribe on the literal filter: policy
// wildcards match MQTT's + and # as plain characters. A denial is logged.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/pub-sub-policy.html#pub-sub-policy
func (c *Conn) MaySubscribe(filter string) bool {
	return c.logged(c.id.Decide(policy.ActionSubscribe, c.a.filterPrefix+filter, c.ctx))
}

// MayReceive authorises iot:Receive on a delivered topic: it "is checked
// every time a message is delivered". A denial is logged.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-actions.html#iot-policy-actions
func (c *Conn) MayReceive(topic string) bool {
	return c.logged(c.id.Decide(policy.ActionReceive, c.a.topicPrefix+topic, c.ctx))
}

// logged logs a denial and returns whether d allows.
func (c *Conn) logged(d Decision) bool {
	if !d.Allowed {
		c.a.logDenialOnDelivery(c.client, c.id.Principal, d)
	}
	return d.Allowed
}
