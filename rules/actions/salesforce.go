package actions

import (
	"context"

	"github.com/iotemu/iotemu/rules"
)

// Salesforce is AWS's SalesforceAction: the rule output is posted to the
// Salesforce IoT input stream url with token. Neither member is a
// template. iotemu does not send it (how AWS passes the token is not
// documented).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/salesforce-iot-rule-action.html#salesforce-iot-rule-action-parameters;
// service-2.json SalesforceAction (token and url required).
type Salesforce struct {
	Token string `json:"token"`
	URL   string `json:"url"`
}

// Type returns "salesforce".
func (Salesforce) Type() string { return "salesforce" }

func (a *Salesforce) check(at string) error { return required(at, "token", a.Token, "url", a.URL) }

func (a *Salesforce) build(*Env, rules.ActionCompiler) (executor, error) {
	return &salesforceAction{spec: *a}, nil
}

type salesforceAction struct{ spec Salesforce }

// salesforceRequest is the POST to the input stream.
type salesforceRequest struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	Token  string `json:"token"`
	Body   string `json:"body"`
}

func (a *salesforceAction) Execute(_ context.Context, out rules.Output) (rules.Report, error) {
	rep := rules.Report{Type: "salesforce", Resource: a.spec.URL}
	recordOnly(&rep, "salesforce", "salesforce", "POST", salesforceRequest{Method: "POST", URL: a.spec.URL, Token: a.spec.Token, Body: string(out.Payload)})
	return rep, nil
}
