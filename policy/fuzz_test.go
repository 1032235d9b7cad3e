package policy_test

import (
	"testing"

	"github.com/iotemu/iotemu/policy"
)

// FuzzParseEvaluate: Parse and Evaluate never panic.
func FuzzParseEvaluate(f *testing.F) {
	f.Add(devicePolicy, "iot:Publish", "arn:aws:iot:us-east-1:123456789012:topic/dt/dev-1/x", "dev-1")
	f.Add(doc(`{"Effect":"Deny","Action":"iot:*","Resource":"*","Condition":{"ForAllValues:StringLike":{"iot:ConnectAttributes":"*${iot:ClientId}?"}}}`), "iot:Connect", "*", "c")
	f.Add(doc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:iot:*:*:topic/${*}${?}${$}${","Condition":{"IpAddress":{"aws:SourceIp":"${aws:SourceIp}/8"},"ArnLike":{"iot:ClientId":"a:b:c:d:e:*"},"DateLessThan":{"aws:CurrentTime":"1"}}}`), "iot:Receive", "arn:aws:iot:x:y:topic/*?$", "1.2.3.4")
	f.Fuzz(func(t *testing.T, doc, action, resource, value string) {
		p, err := policy.Parse(doc)
		if err != nil {
			return
		}
		ctx := policy.NewContext().Set(policy.KeyClientID, value).Set(policy.KeySourceIP, value).
			Set(policy.KeyConnectAttributes, value, action).Set("iot:Certificate.Subject.CommonName", value, value)
		policy.Evaluate([]*policy.Policy{p, p}, policy.Request{Action: action, Resource: resource, Context: ctx})
	})
}
