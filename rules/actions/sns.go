package actions

import (
	"context"
	"fmt"
	"net/url"

	"github.com/iotemu/iotemu/rules"
)

// SNS is AWS's SnsAction: Publish of the rule output to targetArn, with
// MessageStructure "json" when messageFormat is JSON.
// AWS: sns-rule-action.html; service-2.json SnsAction (targetArn and
// roleArn required; messageFormat RAW (default) or JSON; targetArn a
// template through the API and CLI).
type SNS struct {
	RoleArn       string `json:"roleArn,omitempty"`
	TargetArn     string `json:"targetArn"`
	MessageFormat string `json:"messageFormat,omitempty"`
}

// Type returns "sns".
func (SNS) Type() string { return "sns" }

func (a *SNS) check(at string) error {
	if a.MessageFormat != "" && a.MessageFormat != "RAW" && a.MessageFormat != "JSON" {
		return &ValidationError{Message: fmt.Sprintf("Value '%s' at '%s.messageFormat' failed to satisfy constraint: Member must satisfy enum value set: [RAW, JSON]", a.MessageFormat, at)}
	}
	return required(at, "targetArn", a.TargetArn)
}

func (a *SNS) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	return &snsAction{env: e, spec: *a, target: cc.t(a.TargetArn)}, cc.err
}

type snsAction struct {
	env    *Env
	spec   SNS
	target *rules.Template
}

func (a *snsAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	const verb = "publish SNS message"
	r := renderer{ctx: ctx, out: out}
	target := r.s(a.target)
	rep := rules.Report{Type: "sns", Resource: target}
	if r.err != nil {
		return rep, fail(verb, r.err)
	}
	in := snsPublish{TargetArn: target, Message: string(out.Payload)}
	if a.spec.MessageFormat == "JSON" {
		in.MessageStructure = "json"
	}
	var send func(context.Context) (any, error)
	if svc := a.env.services.sns; svc != nil {
		send = func(ctx context.Context) (any, error) {
			params := url.Values{"TargetArn": {in.TargetArn}, "Message": {in.Message}}
			if in.MessageStructure != "" {
				params.Set("MessageStructure", in.MessageStructure)
			}
			var resp snsPublishResponse
			if err := a.env.services.wire.Query(ctx, *svc, "Publish", params, &resp); err != nil {
				return nil, err
			}
			return resp.Result, nil
		}
	}
	return rep, a.env.call(ctx, &rep, "sns", "Publish", verb, in, send)
}

// snsPublish is Publish's input, recorded; it is sent as awsQuery
// parameters of the same names.
// AWS: https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_RequestParameters
type snsPublish struct {
	TargetArn        string `json:"TargetArn"`
	Message          string `json:"Message"`
	MessageStructure string `json:"MessageStructure,omitempty"`
}

// snsPublishResponse is the answer, <PublishResponse><PublishResult>.
type snsPublishResponse struct {
	Result struct {
		MessageID string `xml:"MessageId" json:"MessageId"`
	} `xml:"PublishResult"`
}
